//! The event log: what happened, in words a learner reads ("task web:3 placed on i-02 port 32771").
//!
//! Bounded in memory: it keeps the first `capacity` entries, which hold the cluster's start-up that
//! lessons are about, and counts the rest, so a week-long run cannot exhaust a browser tab.

use crate::time::SimTime;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub t_s: f64,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EventLog {
    pub entries: Vec<LogEntry>,
    pub dropped: u64,
    #[serde(skip)]
    capacity: usize,
}

impl EventLog {
    pub fn new(capacity: usize) -> Self {
        EventLog {
            entries: Vec::new(),
            dropped: 0,
            capacity,
        }
    }

    pub fn push(&mut self, entry: LogEntry) {
        if self.entries.len() < self.capacity {
            self.entries.push(entry);
        } else {
            self.dropped += 1;
        }
    }

    /// Whether a new entry would be kept; lets callers skip formatting one that would not.
    pub fn has_room(&self) -> bool {
        self.entries.len() < self.capacity
    }

    pub fn entry(t: SimTime, kind: &'static str, message: String) -> LogEntry {
        LogEntry {
            t_s: t.as_secs_f64(),
            kind,
            service: None,
            task: None,
            host: None,
            message,
        }
    }

    /// One JSON object per line.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
            out.push('\n');
        }
        out
    }
}
