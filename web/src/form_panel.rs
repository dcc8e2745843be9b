//! The editor's form: the common knobs of the scenario as fields (read from its text by the
//! worker with `ecsim_front::form`), on the instance group and service chosen at its top, each
//! change sent back to the worker to be written into the text; the check's error shown at the
//! field it is about; and a box to paste an AWS task definition into the scenario.

use ecsim_front::form::{Choices, Field, Knob, Target};
use ecsim_web::worker::FormEdit;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What the last form edit did, shown under the form.
#[derive(Clone, PartialEq)]
pub enum FormNotice {
    Done(String),
    Refused { paste: bool, message: String },
}

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub fields: Vec<Field>,
    /// Why the form cannot read the text, when it cannot.
    pub form_error: Option<String>,
    /// The check's error and the knob it is about.
    pub error: Option<(Knob, String)>,
    pub notice: Option<FormNotice>,
    pub on_edit: Callback<FormEdit>,
    /// The instance groups and services to choose from, and the ones the fields are of.
    pub choices: Choices,
    pub target: Target,
    pub on_target: Callback<Target>,
}

/// The element id of a knob's field (`knob-desired-count`).
pub fn knob_id(k: Knob) -> &'static str {
    match k {
        Knob::InstanceType => "knob-instance-type",
        Knob::InstanceCount => "knob-instance-count",
        Knob::LaunchType => "knob-launch-type",
        Knob::DesiredCount => "knob-desired-count",
        Knob::TaskCpu => "knob-task-cpu",
        Knob::TaskMemory => "knob-task-memory",
        Knob::PortMode => "knob-port-mode",
        Knob::LoadBalancer => "knob-load-balancer",
        Knob::Algorithm => "knob-algorithm",
        Knob::Rps => "knob-rps",
        Knob::Seed => "knob-seed",
        Knob::Duration => "knob-duration",
    }
}

#[function_component(FormPanel)]
pub fn form_panel(p: &FormProps) -> Html {
    let paste_ref = use_node_ref();
    let on_paste = {
        let (paste_ref, on_edit) = (paste_ref.clone(), p.on_edit.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = paste_ref.cast::<HtmlTextAreaElement>() {
                on_edit.emit(FormEdit::Paste { json: t.value() });
            }
        })
    };
    let paste_refused = matches!(&p.notice, Some(FormNotice::Refused { paste: true, .. }));
    let target = p.target;
    // A chooser of the instance group or service the fields are of, when there are several.
    let chooser =
        |id: &'static str, label: &'static str, names: &[String], at: usize, group: bool| {
            if names.len() < 2 {
                return html! {};
            }
            let on_target = p.on_target.clone();
            let onchange = Callback::from(move |e: Event| {
                let Some(k) = e
                    .target_dyn_into::<HtmlSelectElement>()
                    .and_then(|s| s.value().parse::<usize>().ok())
                else {
                    return;
                };
                let t = if group {
                    Target { group: k, ..target }
                } else {
                    Target {
                        service: k,
                        ..target
                    }
                };
                on_target.emit(t);
            });
            html! {
                <label class="target">{ label }
                    <select {id} {onchange}>
                        { for names.iter().enumerate().map(|(k, n)| html! {
                            <option value={k.to_string()} selected={k == at}>{ n }</option>
                        }) }
                    </select>
                </label>
            }
        };
    let edit = |t: &Callback<FormEdit>| {
        let t = t.clone();
        Callback::from(move |(knob, value): (Knob, String)| {
            t.emit(FormEdit::Set {
                target,
                knob,
                value,
            })
        })
    };
    let set = edit(&p.on_edit);
    html! {
        <fieldset id="form">
            <legend>{ "Common settings (written into the scenario text)" }</legend>
            { for p.form_error.iter().map(|e| html! { <p id="form-unavailable">{ e }</p> }) }
            <div class="targets">
                { chooser("form-group", "Instance group ", &p.choices.groups, target.group, true) }
                { chooser("form-service", "Service ", &p.choices.services, target.service, false) }
            </div>
            <div class="fields">
                { for p.fields.iter().map(|f| field(f, p.error.as_ref(), &set)) }
            </div>
            { match &p.notice {
                Some(FormNotice::Done(n)) => html! { <p id="form-notice">{ n }</p> },
                Some(FormNotice::Refused { paste: false, message }) => html! { <p id="form-notice" class="error" role="alert">{ message }</p> },
                _ => html! {},
            } }
            <details id="paste" open={paste_refused}>
                <summary>{ "Paste an AWS task definition (JSON)" }</summary>
                <p class="small">{ "The output of aws ecs describe-task-definition, or a register-task-definition input. A task definition of the same family is replaced; fields ecsim does not model are left out and named." }</p>
                <textarea id="paste-json" ref={paste_ref} rows="8" cols="80" spellcheck="false" aria-label="task definition JSON" />
                <button id="paste-apply" onclick={on_paste}>{ "Use this task definition" }</button>
                { match &p.notice {
                    Some(FormNotice::Refused { paste: true, message }) => html! { <p id="paste-error" class="error" role="alert">{ message }</p> },
                    _ => html! {},
                } }
            </details>
        </fieldset>
    }
}

fn field(f: &Field, error: Option<&(Knob, String)>, on_edit: &Callback<(Knob, String)>) -> Html {
    let id = knob_id(f.knob);
    let knob = f.knob;
    let emit = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let value = if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                s.value()
            } else if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                i.value()
            } else {
                return;
            };
            on_edit.emit((knob, value));
        })
    };
    let error = error.filter(|(k, _)| *k == f.knob).map(|(_, m)| m.clone());
    let error_id = format!("{id}-error");
    let control = if f.choices.is_empty() {
        html! {
            <input id={id} type="text" value={f.value.clone()} placeholder={f.placeholder.clone()}
                disabled={f.disabled.is_some()} onchange={emit}
                aria-invalid={error.is_some().to_string()}
                aria-describedby={error.as_ref().map(|_| error_id.clone())} />
        }
    } else {
        html! {
            <select id={id} disabled={f.disabled.is_some()} onchange={emit}
                aria-invalid={error.is_some().to_string()}
                aria-describedby={error.as_ref().map(|_| error_id.clone())}>
                { for f.choices.iter().map(|(v, label)| html! {
                    <option value={v.clone()} selected={*v == f.value}>{ label }</option>
                }) }
            </select>
        }
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))} data-knob={id}>
            <label for={id}>{ &f.label }</label>
            { control }
            { for f.disabled.iter().map(|why| html! { <span class="why">{ why }</span> }) }
            { for error.iter().map(|m| html! { <span class="field-error" id={error_id.clone()} role="alert">{ m }</span> }) }
        </div>
    }
}
