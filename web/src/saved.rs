//! The user's own scenarios (and the lessons they passed), kept in the browser's local storage under one key as a JSON list of
//! (name, text). Storage that is missing, full or disabled is an error the page shows, never a
//! lost edit: the text stays in the editor.

use serde::{Deserialize, Serialize};

const KEY: &str = "ecsim.scenarios";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub name: String,
    pub text: String,
}

impl Saved {
    /// The file name errors point at; JSON when the text is a JSON object.
    pub fn file(&self) -> String {
        let ext = if self.text.trim_start().starts_with('{') {
            "json"
        } else {
            "toml"
        };
        format!("saved/{}.{ext}", self.name)
    }
}

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| "this browser gives the page no local storage".to_string())
}

/// Lessons whose objectives all held, by file name, remembered in the browser.
const PASSED_KEY: &str = "ecsim.lessons.passed";

pub fn passed_lessons() -> Vec<String> {
    storage()
        .ok()
        .and_then(|s| s.get_item(PASSED_KEY).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

pub fn remember_passed(file: &str) {
    let mut all = passed_lessons();
    if !all.iter().any(|f| f == file) {
        all.push(file.to_string());
        if let (Ok(s), Ok(v)) = (storage(), serde_json::to_string(&all)) {
            // A full or disabled storage only loses the tick in the gallery.
            let _ = s.set_item(PASSED_KEY, &v);
        }
    }
}

pub fn load() -> Vec<Saved> {
    storage()
        .ok()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

pub fn store(list: &[Saved]) -> Result<(), String> {
    let v = serde_json::to_string(list).map_err(|e| e.to_string())?;
    storage()?
        .set_item(KEY, &v)
        .map_err(|_| "the browser's storage is full or disabled; the scenario was not saved".into())
}

/// Adds or replaces the scenario `name`; returns its index.
pub fn upsert(list: &mut Vec<Saved>, name: &str, text: &str) -> usize {
    match list.iter().position(|s| s.name == name) {
        Some(i) => {
            list[i].text = text.to_string();
            i
        }
        None => {
            list.push(Saved {
                name: name.to_string(),
                text: text.to_string(),
            });
            list.len() - 1
        }
    }
}

/// A name the gallery and file names can carry: trimmed, not empty, no path separators.
pub fn check_name(name: &str) -> Result<String, String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("give the scenario a name first".into());
    }
    if n.contains(['/', '\\']) || n.len() > 80 {
        return Err(format!(
            "{n:?}: a name has no slashes and at most 80 characters"
        ));
    }
    Ok(n.to_string())
}
