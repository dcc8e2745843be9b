//! `[[applications]]` given to the containers they name: an entry names a task definition family
//! (every revision) or `family:revision` (that revision, over the family's entry) and a container
//! (the definition's only one when it has one). What an entry means is `crate::application`'s.

use crate::application::ApplicationSpec;
use crate::error::FieldError;
use crate::taskdef::TaskDefinition;

/// Gives each container its application: family entries first, then `family:revision` ones over
/// them; two entries for the same container and revision are refused.
pub(super) fn apply(
    specs: &[ApplicationSpec],
    taskdefs: &mut [TaskDefinition],
) -> Result<(), FieldError> {
    let mut order: Vec<usize> = (0..specs.len()).collect();
    // A stable sort keeps the file's order within each kind.
    order.sort_by_key(|&i| specs[i].task_definition.contains(':'));
    let mut set: Vec<(usize, usize, usize)> = Vec::new();
    for i in order {
        let a = &specs[i];
        let p = |f: &str| format!("applications[{i}].{f}");
        let app = a.validate(&p)?;
        let (family, revision) = match a.task_definition.split_once(':') {
            None => (a.task_definition.as_str(), None),
            Some((f, r)) => match r.parse::<u32>() {
                Ok(r) => (f, Some(r)),
                Err(_) => {
                    return Err(FieldError::new(
                        p("task_definition"),
                        format!("{r:?} is not a revision number"),
                    ))
                }
            },
        };
        let matching: Vec<usize> = (0..taskdefs.len())
            .filter(|&t| {
                taskdefs[t].family == family && revision.is_none_or(|r| taskdefs[t].revision == r)
            })
            .collect();
        if matching.is_empty() {
            return Err(FieldError::new(
                p("task_definition"),
                format!(
                    "no task definition {:?} in this scenario",
                    a.task_definition
                ),
            ));
        }
        for t in matching {
            let td = &mut taskdefs[t];
            let c = match &a.container {
                Some(name) => td
                    .containers
                    .iter()
                    .position(|c| &c.name == name)
                    .ok_or_else(|| {
                        FieldError::new(
                            p("container"),
                            format!("{}:{} has no container {name:?}", td.family, td.revision),
                        )
                    })?,
                None if td.containers.len() == 1 => 0,
                None => {
                    return Err(FieldError::new(
                        p("container"),
                        format!(
                            "{}:{} has {} containers: name the one the application runs in",
                            td.family,
                            td.revision,
                            td.containers.len()
                        ),
                    ))
                }
            };
            let kind = usize::from(revision.is_some());
            if set.contains(&(t, c, kind)) {
                return Err(FieldError::new(
                    p("task_definition"),
                    format!(
                        "container {:?} of {}:{} already has an application entry",
                        td.containers[c].name, td.family, td.revision
                    ),
                ));
            }
            set.push((t, c, kind));
            td.containers[c].app = app.clone();
        }
    }
    Ok(())
}
