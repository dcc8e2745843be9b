//! From a parsed spec to a runnable scenario: each section checked in turn, every name resolved
//! to an id and every string to a typed value, in the order a section's references need (types
//! before groups, task definitions before services, services before actions, traffic and
//! scaling). The first problem is returned with the path of its field.

use super::{Action, InstanceGroup, Scenario, ScenarioSpec};
use crate::agent_config::AgentConfig;
use crate::autoscaling::AutoScaling;
use crate::capacity_provider::CapacityProvider;
use crate::catalog::{self, InstanceType};
use crate::error::FieldError;
use crate::faults::Fault;
use crate::hash::fnv1a;
use crate::iam::Roles;
use crate::images::ImageCatalog;
use crate::service::{Service, MAX_DESIRED};
use crate::taskdef::TaskDefinition;
use crate::time::SimDuration;
use crate::traffic::Traffic;
use crate::units::{ImageId, TaskDefId};
use std::collections::BTreeMap;

/// A run's limits: beyond them a scenario is refused (a typo's hours or instance count must not
/// hang the browser tab). The longest run is 400 simulated days.
const MAX_DURATION: SimDuration = SimDuration::from_secs(400 * 86400);
const MAX_INSTANCES: u32 = 10_000;
const MAX_SAMPLES: u64 = 1_000_000;

fn not_a_batch(s: &Service, path: String) -> Result<(), FieldError> {
    match s.batch {
        Some(_) => Err(FieldError::new(
            path,
            format!(
                "{:?} is a scheduled task (a batch), not a service: it cannot be updated or scaled",
                s.name
            ),
        )),
        None => Ok(()),
    }
}

impl Scenario {
    /// Validates a parsed spec (e.g. one built in code) into a runnable scenario.
    pub fn from_spec(spec: ScenarioSpec, file: &str) -> Result<Scenario, FieldError> {
        check_run_settings(&spec)?;
        let types = instance_types(&spec)?;
        let roles = Roles::build(&spec.roles)?;
        let mut groups = instance_groups(&spec, &types, &roles)?;
        check_series_budget(&spec, &groups)?;
        let mut taskdefs = task_definitions(&spec, &roles)?;
        super::applications::apply(&spec.applications, &mut taskdefs)?;
        let (images, taskdef_images) = image_catalog(&spec, &taskdefs, &mut groups)?;
        check_registry_outages(&spec)?;
        let providers = capacity_providers(&spec, &mut groups)?;
        let services = services(&spec, &taskdefs, &providers)?;
        let actions = actions(&spec, &services, &taskdefs)?;
        let traffic = traffic(&spec, &services, &taskdefs)?;
        let auto_scaling = auto_scaling(&spec, &services, &taskdefs, &traffic)?;
        let faults = faults(&spec, &groups, &services)?;
        check_objectives(&spec)?;

        let canonical = serde_json::to_string(&spec).unwrap_or_default();
        let mut sc = Scenario {
            file: file.to_string(),
            hash: fnv1a(canonical.as_bytes()),
            spec,
            taskdefs,
            services,
            groups,
            images,
            taskdef_images,
            roles,
            actions,
            traffic,
            auto_scaling,
            faults,
            providers,
            warnings: Vec::new(),
        };
        sc.warnings = super::warnings::warnings(&sc);
        Ok(sc)
    }
}

/// The most values a run's time series may hold (8 bytes each: about 0.8 GB).
const MAX_SERIES_VALUES: u64 = 100_000_000;

/// The time series a run would keep must fit in memory: one value per sample for each cluster
/// column, each instance slot's four, each service's eight.
fn check_series_budget(spec: &ScenarioSpec, groups: &[InstanceGroup]) -> Result<(), FieldError> {
    let samples = spec.duration.0 / spec.sample_step.0.max(1) + 2;
    let slots: u64 = groups.iter().map(|g| u64::from(g.max_size)).sum();
    let per_sample = 7 + 6 + 4 * slots + 8 * spec.services.len() as u64;
    let values = samples.saturating_mul(per_sample);
    if values <= MAX_SERIES_VALUES {
        return Ok(());
    }
    let step = SimDuration(spec.duration.0 / (MAX_SERIES_VALUES / per_sample).max(1) + 1);
    Err(FieldError::new(
        "sample_step",
        format!(
            "the time series would hold {values} values (about {:.1} GB: {samples} samples of {per_sample}, for {slots} instance slots and {} services), more than the {MAX_SERIES_VALUES} a run may keep: set sample_step to {step} or more, or shorten the run",
            values as f64 * 8.0 / 1e9,
            spec.services.len()
        ),
    ))
}

/// The run's own settings: name, duration, sampling, cluster name and the model's knobs.
fn check_run_settings(spec: &ScenarioSpec) -> Result<(), FieldError> {
    if spec.name.trim().is_empty() {
        return Err(FieldError::new("name", "must not be empty"));
    }
    if spec.duration.is_zero() || spec.duration > MAX_DURATION {
        return Err(FieldError::new(
            "duration",
            format!("{} is outside 1ns..=400 days", spec.duration),
        ));
    }
    if spec.sample_step.is_zero() {
        return Err(FieldError::new("sample_step", "must be positive"));
    }
    if spec.duration.0 / spec.sample_step.0 > MAX_SAMPLES {
        return Err(FieldError::new(
            "sample_step",
            format!(
                "{} gives more than {MAX_SAMPLES} samples over {}",
                spec.sample_step, spec.duration
            ),
        ));
    }
    if spec.cluster.name.trim().is_empty() {
        return Err(FieldError::new("cluster.name", "must not be empty"));
    }
    let m = &spec.model;
    for (f, d) in [
        ("model.boot_time", &m.boot_time),
        ("model.asg_scale_out_delay", &m.asg_scale_out_delay),
        ("model.container_start", &m.container_start),
        ("model.container_exit", &m.container_exit),
        ("model.eni_attach", &m.eni_attach),
    ] {
        d.validate().map_err(|msg| FieldError::new(f, msg))?;
    }
    for (f, d) in [
        ("model.manifest_fetch", &m.manifest_fetch),
        ("model.auth_token_fetch", &m.auth_token_fetch),
    ] {
        d.validate().map_err(|msg| FieldError::new(f, msg))?;
    }
    m.fargate
        .validate()
        .map_err(|(f, msg)| FieldError::new(f, msg))?;
    m.alb.validate()?;
    if !(0.0..=100.0).contains(&m.ec2_spot_discount_pct) {
        return Err(FieldError::new(
            "model.ec2_spot_discount_pct",
            "must be in 0..=100",
        ));
    }
    if !(1..=64).contains(&m.concurrent_layer_downloads) {
        return Err(FieldError::new(
            "model.concurrent_layer_downloads",
            "must be 1..=64",
        ));
    }
    for (f, v) in [
        ("model.registry_mb_per_s", m.registry_mb_per_s),
        ("model.default_image_mib", m.default_image_mib),
        ("model.extract_mb_per_s", m.extract_mb_per_s),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(FieldError::new(f, format!("{v} must be a positive number")));
        }
    }
    if !(m.os_memory_overhead_pct.is_finite() && (0.0..100.0).contains(&m.os_memory_overhead_pct)) {
        return Err(FieldError::new(
            "model.os_memory_overhead_pct",
            "must be in 0..100",
        ));
    }
    Ok(())
}

/// The built-in catalogue with the scenario's own instance types added.
fn instance_types(spec: &ScenarioSpec) -> Result<BTreeMap<String, InstanceType>, FieldError> {
    let mut types: BTreeMap<String, InstanceType> = catalog::builtin()
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect();
    for (name, t) in &spec.instance_types {
        let p = |f: &str| format!("instance_types.{name}.{f}");
        if t.vcpu == 0 || t.vcpu > 1024 {
            return Err(FieldError::new(p("vcpu"), "must be 1..=1024"));
        }
        if t.memory_mib < 512 {
            return Err(FieldError::new(p("memory_mib"), "must be at least 512"));
        }
        if t.registered_memory_mib
            .is_some_and(|r| r == 0 || r > t.memory_mib)
        {
            return Err(FieldError::new(
                p("registered_memory_mib"),
                format!("must be 1..={} (memory_mib)", t.memory_mib),
            ));
        }
        if !(t.network_gbps.is_finite() && t.network_gbps > 0.0) {
            return Err(FieldError::new(p("network_gbps"), "must be positive"));
        }
        if !(t.price_per_hour.is_finite() && t.price_per_hour >= 0.0) {
            return Err(FieldError::new(p("price_per_hour"), "must be zero or more"));
        }
        types.insert(name.clone(), t.clone());
    }
    Ok(types)
}

/// The instance groups: types (and a mixed instances policy), Auto Scaling bounds, zones,
/// `ecs.config`, role, Spot. Their cached images are filled in once the images are known.
fn instance_groups(
    spec: &ScenarioSpec,
    types: &BTreeMap<String, InstanceType>,
    roles: &Roles,
) -> Result<Vec<InstanceGroup>, FieldError> {
    let mut groups = Vec::new();
    let mut total = 0u32;
    for (i, g) in spec.instance_groups.iter().enumerate() {
        let p = |f: &str| format!("instance_groups[{i}].{f}");
        if g.name.trim().is_empty() {
            return Err(FieldError::new(p("name"), "must not be empty"));
        }
        if spec.instance_groups[..i].iter().any(|o| o.name == g.name) {
            return Err(FieldError::new(
                p("name"),
                format!("{:?} names two groups", g.name),
            ));
        }
        // The group's type, then its mixed instances policy's others.
        let mut group_types: Vec<(String, InstanceType)> = Vec::new();
        let named = std::iter::once((g.instance_type.clone(), p("instance_type"))).chain(
            g.mixed_instance_types
                .iter()
                .enumerate()
                .map(|(j, n)| (n.clone(), p(&format!("mixed_instance_types[{j}]")))),
        );
        for (name, path) in named {
            let Some(t) = types.get(&name) else {
                let known: Vec<&str> = types.keys().map(String::as_str).collect();
                return Err(FieldError::new(
                    path,
                    format!(
                        "unknown instance type {name:?}; known: {}",
                        known.join(", ")
                    ),
                ));
            };
            if group_types.iter().any(|(n, _)| *n == name) {
                return Err(FieldError::new(path, format!("{name} is listed twice")));
            }
            if g.eni_trunking && t.trunk_tasks.is_none() {
                // The group's own type: the trunking flag is what to change.
                let path = if group_types.is_empty() {
                    p("eni_trunking")
                } else {
                    path
                };
                return Err(FieldError::new(
                    path,
                    format!(
                        "{name} does not support ENI trunking (eni_trunking = true; docs/ecs-facts.md §2 \"Trunking task limits\" lists m5, c5 and m6g types, not t3)"
                    ),
                ));
            }
            group_types.push((name, t.clone()));
        }
        let min_size = g.min_size.unwrap_or(0).min(g.count);
        let max_size = g.max_size.unwrap_or(g.count);
        if let Some(min) = g.min_size.filter(|&m| m > g.count) {
            return Err(FieldError::new(
                p("min_size"),
                format!(
                    "{min} is above count ({}), the initial desired capacity",
                    g.count
                ),
            ));
        }
        if max_size < g.count {
            return Err(FieldError::new(
                p("max_size"),
                format!(
                    "{max_size} is below count ({}), the initial desired capacity",
                    g.count
                ),
            ));
        }
        if g.min_size.is_some() && g.max_size.is_none() {
            return Err(FieldError::new(
                p("max_size"),
                "an Auto Scaling group needs max_size as well as min_size",
            ));
        }
        total = total.saturating_add(max_size);
        if total > MAX_INSTANCES {
            return Err(FieldError::new(
                p(if g.max_size.is_some() {
                    "max_size"
                } else {
                    "count"
                }),
                format!("more than {MAX_INSTANCES} instances in all"),
            ));
        }
        if g.availability_zones.is_empty()
            || g.availability_zones.iter().any(|z| z.trim().is_empty())
        {
            return Err(FieldError::new(
                p("availability_zones"),
                "needs at least one non-empty zone",
            ));
        }
        let agent = AgentConfig::parse_with(&g.ecs_config, g.agent_defaults).map_err(|e| {
            FieldError::new(
                p("ecs_config"),
                format!("line {} of ecs.config: {}", e.line, e.message),
            )
        })?;
        let iam_role = match &g.iam_role {
            Some(r) => Some(roles.resolve(r, &p("iam_role"))?),
            None => None,
        };
        let spot = g.spot.unwrap_or(!g.spot_interruptions.is_empty());
        if !spot && !g.spot_interruptions.is_empty() {
            return Err(FieldError::new(
                p("spot_interruptions"),
                "only Spot instances are interrupted: remove spot = false, or the interruptions",
            ));
        }
        if spot {
            for (_, t) in &mut group_types {
                t.price_per_hour *= 1.0 - spec.model.ec2_spot_discount_pct / 100.0;
            }
        }
        groups.push(InstanceGroup {
            name: g.name.clone(),
            types: group_types,
            agent,
            count: g.count,
            asg: g.max_size.is_some(),
            min_size,
            max_size,
            availability_zones: g.availability_zones.clone(),
            launch_at: g.launch_at,
            iam_role,
            cached_images: Vec::new(),
            eni_trunking: g.eni_trunking,
            spot_interruptions: g.spot_interruptions.clone(),
        });
    }
    Ok(groups)
}

/// The task definitions, each checked, with the roles they name, and no revision twice.
fn task_definitions(spec: &ScenarioSpec, roles: &Roles) -> Result<Vec<TaskDefinition>, FieldError> {
    let mut taskdefs = Vec::new();
    for (i, td) in spec.task_definitions.iter().enumerate() {
        let p = format!("task_definitions[{i}]");
        let t = td.validate(&p)?;
        for (f, r) in [
            ("executionRoleArn", &td.execution_role_arn),
            ("taskRoleArn", &td.task_role_arn),
        ] {
            if let Some(r) = r.as_deref().filter(|r| !r.is_empty()) {
                roles.resolve(r, &format!("{p}.{f}"))?;
            }
        }
        if taskdefs
            .iter()
            .any(|o: &TaskDefinition| o.family == t.family && o.revision == t.revision)
        {
            return Err(FieldError::new(
                format!("{p}.family"),
                format!("{}:{} is defined twice", t.family, t.revision),
            ));
        }
        taskdefs.push(t);
    }
    Ok(taskdefs)
}

/// The image catalogue (the `images` section and every image a task definition names), each
/// task definition's images, and each group's `cached_images` resolved.
fn image_catalog(
    spec: &ScenarioSpec,
    taskdefs: &[TaskDefinition],
    groups: &mut [InstanceGroup],
) -> Result<(ImageCatalog, Vec<Vec<ImageId>>), FieldError> {
    let m = &spec.model;
    let images = ImageCatalog::build(
        &spec.images,
        taskdefs
            .iter()
            .flat_map(|t| t.containers.iter().map(|c| c.image.as_str())),
        m.default_image_mib,
    )?;
    let taskdef_images: Vec<Vec<ImageId>> = taskdefs
        .iter()
        .map(|t| {
            t.containers
                .iter()
                .filter_map(|c| images.id(&c.image))
                .collect()
        })
        .collect();
    for (i, g) in spec.instance_groups.iter().enumerate() {
        for (j, im) in g.cached_images.iter().enumerate() {
            let Some(id) = images.id(im) else {
                return Err(FieldError::new(
                    format!("instance_groups[{i}].cached_images[{j}]"),
                    format!("{im:?} is neither in `images` nor used by a task definition"),
                ));
            };
            groups[i].cached_images.push(id);
        }
    }
    Ok((images, taskdef_images))
}

fn check_registry_outages(spec: &ScenarioSpec) -> Result<(), FieldError> {
    for (i, o) in spec.registry_outages.iter().enumerate() {
        if o.until <= o.from {
            return Err(FieldError::new(
                format!("registry_outages[{i}].until"),
                format!("{} must be after from ({})", o.until, o.from),
            ));
        }
    }
    Ok(())
}

/// The capacity providers; a provider's group is an Auto Scaling group.
fn capacity_providers(
    spec: &ScenarioSpec,
    groups: &mut [InstanceGroup],
) -> Result<Vec<CapacityProvider>, FieldError> {
    let mut providers: Vec<crate::capacity_provider::CapacityProvider> = Vec::new();
    {
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        for (i, c) in spec.capacity_providers.iter().enumerate() {
            let cp = c.validate(&format!("capacity_providers[{i}]"), &names, &providers)?;
            providers.push(cp);
        }
    }
    // A provider's group is an Auto Scaling group, whether or not it gave its bounds.
    for cp in &providers {
        groups[cp.group].asg = true;
    }
    Ok(providers)
}

/// The services, then the scheduled batches, which run as services after them (one namespace).
fn services(
    spec: &ScenarioSpec,
    taskdefs: &[TaskDefinition],
    providers: &[CapacityProvider],
) -> Result<Vec<Service>, FieldError> {
    let provider_names: Vec<&str> = providers.iter().map(|c| c.name.as_str()).collect();
    let mut services = Vec::new();
    // Names seen so far: a set, so many services load in n log n, not n².
    let mut names = std::collections::BTreeSet::new();
    for (i, sv) in spec.services.iter().enumerate() {
        let p = |f: &str| format!("services[{i}].{f}");
        if !names.insert(sv.service_name.as_str()) {
            return Err(FieldError::new(
                p("serviceName"),
                format!("{:?} names two services", sv.service_name),
            ));
        }
        services.push(sv.validate(&p, taskdefs, &provider_names)?);
    }
    // Batches run as services after the real ones, in one namespace with them.
    for (i, b) in spec.scheduled_tasks.iter().enumerate() {
        let path = format!("scheduled_tasks[{i}]");
        if !names.insert(b.name.as_str()) {
            return Err(FieldError::new(
                format!("{path}.name"),
                format!("{:?} already names a service or scheduled task", b.name),
            ));
        }
        services.push(b.validate(&path, taskdefs, &provider_names)?);
    }
    Ok(services)
}

/// The scenario's actions: a service's desired count or task definition changed at a time.
fn actions(
    spec: &ScenarioSpec,
    services: &[Service],
    taskdefs: &[TaskDefinition],
) -> Result<Vec<Action>, FieldError> {
    let mut actions = Vec::new();
    for (i, a) in spec.actions.iter().enumerate() {
        let Some(si) = services.iter().position(|s: &Service| s.name == a.service) else {
            return Err(FieldError::new(
                format!("actions[{i}].service"),
                format!("no service {:?} in this scenario", a.service),
            ));
        };
        not_a_batch(&services[si], format!("actions[{i}].service"))?;
        if a.at > MAX_DURATION {
            return Err(FieldError::new(
                format!("actions[{i}].at"),
                "is beyond 400 days",
            ));
        }
        if services[si].daemon {
            // Its count follows the instances; a new revision's deployment is not modelled for it.
            let field = if a.desired_count.is_some() {
                "desired_count"
            } else {
                "task_definition"
            };
            return Err(FieldError::new(
                format!("actions[{i}].{field}"),
                format!(
                    "service {} is a DAEMON service: it runs one task per instance, and ecsim does not model its deployments",
                    a.service
                ),
            ));
        }
        if a.desired_count.is_some_and(|d| d > MAX_DESIRED) {
            return Err(FieldError::new(
                format!("actions[{i}].desired_count"),
                format!("must be at most {MAX_DESIRED}"),
            ));
        }
        let taskdef = match &a.task_definition {
            Some(name) => Some(TaskDefId(crate::service::resolve_taskdef(
                taskdefs,
                name,
                &services[si].capacity,
                &format!("actions[{i}].task_definition"),
            )? as u32)),
            None => None,
        };
        if a.desired_count.is_none() && taskdef.is_none() {
            return Err(FieldError::new(
                format!("actions[{i}]"),
                "give desired_count, task_definition or both",
            ));
        }
        actions.push(Action {
            at: a.at,
            service: crate::units::ServiceId(si as u32),
            desired: a.desired_count,
            taskdef,
        });
    }
    Ok(actions)
}

/// The traffic sources, at most one per service; a Classic Load Balancer needs a static port.
fn traffic(
    spec: &ScenarioSpec,
    services: &[Service],
    taskdefs: &[TaskDefinition],
) -> Result<Vec<Traffic>, FieldError> {
    let mut traffic = Vec::new();
    for (i, t) in spec.traffic.iter().enumerate() {
        let p = format!("traffic[{i}]");
        let Some(si) = services.iter().position(|s: &Service| s.name == t.service) else {
            return Err(FieldError::new(
                format!("{p}.service"),
                format!("no service {:?} in this scenario", t.service),
            ));
        };
        if spec.traffic[..i].iter().any(|o| o.service == t.service) {
            return Err(FieldError::new(
                format!("{p}.service"),
                format!("service {:?} already has traffic", t.service),
            ));
        }
        let tr = t.validate(&p, si)?;
        let td = &taskdefs[services[si].taskdef.index()];
        if tr.classic
            && !td
                .host_ports
                .iter()
                .any(|h| matches!(h, crate::taskdef::HostPortNeed::Static(_)))
        {
            return Err(FieldError::new(
                format!("{p}.load_balancer"),
                format!(
                    "a Classic Load Balancer sends to one fixed instance port, but task definition {} maps no static hostPort; set one, or use an application load balancer with dynamic ports",
                    td.family
                ),
            ));
        }
        traffic.push(tr);
    }
    Ok(traffic)
}

/// The scalable targets, at most one per service (not a batch).
fn auto_scaling(
    spec: &ScenarioSpec,
    services: &[Service],
    taskdefs: &[TaskDefinition],
    traffic: &[Traffic],
) -> Result<Vec<AutoScaling>, FieldError> {
    let mut auto_scaling = Vec::new();
    for (i, a) in spec.auto_scaling.iter().enumerate() {
        let p = format!("auto_scaling[{i}]");
        let Some(si) = services.iter().position(|s: &Service| s.name == a.service) else {
            return Err(FieldError::new(
                format!("{p}.service"),
                format!("no service {:?} in this scenario", a.service),
            ));
        };
        not_a_batch(&services[si], format!("{p}.service"))?;
        if services[si].daemon {
            return Err(FieldError::new(
                format!("{p}.service"),
                format!(
                    "service {:?} is a DAEMON service: its count follows the instances, and Service Auto Scaling does not apply to it",
                    a.service
                ),
            ));
        }
        if spec.auto_scaling[..i]
            .iter()
            .any(|o| o.service == a.service)
        {
            return Err(FieldError::new(
                format!("{p}.service"),
                format!("service {:?} already has a scalable target", a.service),
            ));
        }
        let has_traffic = traffic.iter().any(|t| t.service == si);
        let has_memory = crate::taskdef::family_models_memory(
            taskdefs,
            &taskdefs[services[si].taskdef.index()].family,
        );
        auto_scaling.push(a.validate(&p, si, has_traffic, has_memory, MAX_DESIRED)?);
    }
    Ok(auto_scaling)
}

fn faults(
    spec: &ScenarioSpec,
    groups: &[InstanceGroup],
    services: &[Service],
) -> Result<Vec<Fault>, FieldError> {
    let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let service_names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let mut zones: Vec<&str> = groups
        .iter()
        .flat_map(|g| g.availability_zones.iter().map(String::as_str))
        .chain(
            services
                .iter()
                .flat_map(|s| s.zones.iter().map(String::as_str)),
        )
        .collect();
    zones.sort_unstable();
    zones.dedup();
    spec.faults
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.validate(
                &format!("faults[{i}]"),
                &group_names,
                &service_names,
                &zones,
            )
        })
        .collect()
}

/// That each objective names a metric; whether the summary has it is checked with the run
/// (`sim::check_objective_metrics`).
fn check_objectives(spec: &ScenarioSpec) -> Result<(), FieldError> {
    for (at, o) in spec.all_objectives() {
        if o.metric.trim().is_empty() {
            return Err(FieldError::new(format!("{at}.metric"), "must not be empty"));
        }
    }
    Ok(())
}
