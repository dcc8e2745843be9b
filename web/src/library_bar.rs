//! The user's library: save the editor's text under a name, rename or delete the picked saved
//! scenario, import a file, export the text. Storage comes first: if the browser refuses, the
//! page shows why and nothing else changes (the text stays in the editor).

use crate::link::use_ctx;
use crate::outputs::BlobUrl;
use crate::page::Action;
use crate::saved::{self, Saved};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Stores `list`, then shows it, picking `pick` and saying `notice`; `text` replaces the
/// editor's (an import).
fn commit(
    dispatch: &UseReducerDispatcher<crate::page::PageState>,
    list: Vec<Saved>,
    pick: Option<usize>,
    notice: String,
    text: Option<String>,
) {
    match saved::store(&list) {
        Err(e) => {
            // An imported text still reaches the editor, stored or not.
            if let Some(t) = text {
                dispatch.dispatch(Action::Edit(t));
            }
            dispatch.dispatch(Action::LibraryNotice(e))
        }
        Ok(()) => dispatch.dispatch(Action::Library {
            list,
            pick,
            notice,
            text,
        }),
    }
}

#[function_component(LibraryBar)]
pub fn library_bar() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let dispatch = ctx.link.dispatch.clone();
    let name_ref = use_node_ref();
    let typed_name = {
        let name_ref = name_ref.clone();
        move || {
            let name = name_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            saved::check_name(&name)
        }
    };
    let picked = s.picked_saved();
    let on_save = {
        let (dispatch, typed_name) = (dispatch.clone(), typed_name.clone());
        let (library, text) = (s.library.clone(), s.text.clone());
        Callback::from(move |_: MouseEvent| {
            let name = match typed_name() {
                Ok(n) => n,
                Err(e) => return dispatch.dispatch(Action::LibraryNotice(e)),
            };
            let mut list = (*library).clone();
            let k = saved::upsert(&mut list, &name, &text);
            let notice = format!("saved as {name:?} in this browser");
            commit(&dispatch, list, Some(k), notice, None);
        })
    };
    let on_rename = {
        let (dispatch, library) = (dispatch.clone(), s.library.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(k) = picked else { return };
            let name = match typed_name() {
                Ok(n) => n,
                Err(e) => return dispatch.dispatch(Action::LibraryNotice(e)),
            };
            if library
                .iter()
                .enumerate()
                .any(|(j, s)| j != k && s.name == name)
            {
                let e = format!("{name:?} is taken; pick another name");
                return dispatch.dispatch(Action::LibraryNotice(e));
            }
            let mut list = (*library).clone();
            list[k].name = name.clone();
            commit(
                &dispatch,
                list,
                Some(k),
                format!("renamed to {name:?}"),
                None,
            );
        })
    };
    let on_delete = {
        let (dispatch, library) = (dispatch.clone(), s.library.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(k) = picked else { return };
            let mut list = (*library).clone();
            let gone = list.remove(k);
            // The text stays in the editor, under the default scenario's name.
            let notice = format!("deleted {:?} (its text is still in the editor)", gone.name);
            commit(&dispatch, list, None, notice, None);
        })
    };
    let on_import = {
        let (dispatch, library) = (dispatch.clone(), s.library.clone());
        Callback::from(move |e: Event| {
            let Some(f) = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|l| l.get(0))
            else {
                return;
            };
            let f = gloo_file::File::from(f);
            let (dispatch, library) = (dispatch.clone(), library.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let full = f.name();
                let body = match gloo_file::futures::read_as_text(&f).await {
                    Ok(b) => b,
                    Err(e) => {
                        let e = format!("{full}: cannot read it: {e}");
                        return dispatch.dispatch(Action::LibraryNotice(e));
                    }
                };
                let stem = full.rsplit_once('.').map_or(full.as_str(), |(s, _)| s);
                let name = match saved::check_name(stem) {
                    Ok(n) => n,
                    Err(e) => return dispatch.dispatch(Action::LibraryNotice(e)),
                };
                let mut list = (*library).clone();
                let k = saved::upsert(&mut list, &name, &body);
                commit(
                    &dispatch,
                    list,
                    Some(k),
                    format!("imported {full:?}"),
                    Some(body),
                );
            });
        })
    };
    // Export: the editor's text as a file, made when the link is clicked; the last one made is
    // kept until the next click, then revoked.
    let exported = use_mut_ref(|| None::<BlobUrl>);
    let on_export = {
        let (text, file) = (s.text.clone(), s.file.clone());
        Callback::from(move |e: MouseEvent| {
            let name = file.rsplit('/').next().unwrap_or("scenario.toml");
            if let (Some(a), Some(url)) = (
                e.target_dyn_into::<web_sys::HtmlAnchorElement>(),
                BlobUrl::new(&text, "text/plain"),
            ) {
                a.set_href(url.as_str());
                a.set_download(name);
                *exported.borrow_mut() = Some(url);
            }
        })
    };
    html! {
        <div id="library">
            <label>{ "Name " }<input id="save-name" ref={name_ref} type="text" placeholder="my scenario" /></label>
            <button id="save" onclick={on_save}>{ "Save" }</button>
            <button id="rename" onclick={on_rename} disabled={picked.is_none()}>{ "Rename" }</button>
            <button id="delete" onclick={on_delete} disabled={picked.is_none()}>{ "Delete" }</button>
            <label class="import">{ "Import " }<input id="import" type="file" accept=".toml,.json,text/plain,application/json" onchange={on_import} /></label>
            <a id="export" href="#" onclick={on_export}>{ "Export the text" }</a>
            { for s.library_notice.iter().map(|n| html! { <span id="library-notice">{ n }</span> }) }
        </div>
    }
}
