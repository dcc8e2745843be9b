//! The ECS container agent's configuration file, `/etc/ecs/ecs.config`: `KEY=VALUE` lines.
//!
//! Defaults are those of the agent as the ECS-optimised AMI launches it (docs/ecs-facts.md §3): ecs-init
//! turns on task IAM roles, task ENIs and adds `awslogs` to the logging drivers, which the raw
//! agent does not; an instance group with `agent_defaults = "agent"` gets the raw agent's
//! (docs/ecs-facts.md "Conflicts" #4).
//! The dynamic host-port range defaults to the kernel's `ip_local_port_range`, 32768–60999, which
//! is what the agent reads on a normal Linux AMI; its 49153–65535 fallback applies only when that
//! file cannot be read (docs/ecs-facts.md "Conflicts" #3). Unknown keys are kept and reported, as the real
//! agent ignores them.

use crate::image_cache::{CleanupSettings, PullBehavior};
use crate::time::{parse_duration, SimDuration};
use crate::units::{MiB, Port};
use serde::Serialize;
use std::collections::BTreeMap;
use thiserror::Error;

/// docs/ecs-facts.md §2 "Default reserved TCP ports, Linux".
pub const DEFAULT_RESERVED_PORTS: [Port; 5] = [22, 2375, 2376, 51678, 51679];
/// docs/ecs-facts.md §2 "Kernel default ip_local_port_range".
pub const DEFAULT_DYNAMIC_RANGE: (Port, Port) = (32768, 60999);

/// A parsed `ecs.config`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentConfig {
    /// `ECS_CLUSTER`: the cluster the instance registers into. Default `default`.
    pub cluster: String,
    /// `ECS_RESERVED_PORTS`.
    pub reserved_ports: Vec<Port>,
    /// `ECS_RESERVED_MEMORY`: subtracted from the memory the instance registers.
    pub reserved_memory: MiB,
    /// `ECS_DYNAMIC_HOST_PORT_RANGE`, inclusive.
    pub dynamic_port_range: (Port, Port),
    /// `ECS_ENGINE_AUTH_TYPE`.
    pub engine_auth_type: Option<String>,
    /// `ECS_ENGINE_AUTH_DATA`: an entry per registry, by the JSON map's key.
    pub engine_auth_data: BTreeMap<String, AuthEntry>,
    /// `ECS_AVAILABLE_LOGGING_DRIVERS`.
    pub available_logging_drivers: Vec<String>,
    /// `ECS_ENABLE_TASK_IAM_ROLE`.
    pub enable_task_iam_role: bool,
    /// `ECS_ENABLE_TASK_ENI`: awsvpc tasks need it (AMI true, agent false).
    pub enable_task_eni: bool,
    /// `ECS_IMAGE_PULL_BEHAVIOR`: default, always, once or prefer-cached.
    pub image_pull_behavior: PullBehavior,
    /// `ECS_DISABLE_IMAGE_CLEANUP`, `ECS_IMAGE_CLEANUP_INTERVAL`, `ECS_IMAGE_MINIMUM_CLEANUP_AGE`,
    /// `ECS_NUM_IMAGES_DELETE_PER_CYCLE`, `ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION`.
    pub image_cleanup: CleanupSettings,
    /// `ECS_CONTAINER_START_TIMEOUT` (3 min default, minimum 45 s; docs/ecs-facts.md §3): a container
    /// that has not started by then fails the task.
    pub container_start_timeout: SimDuration,
    /// `ECS_CONTAINER_STOP_TIMEOUT` (30 s default, minimum 1 s).
    pub container_stop_timeout: SimDuration,
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING`.
    pub enable_spot_instance_draining: bool,
    /// `ECS_INSTANCE_ATTRIBUTES`: custom attributes for placement constraints and spread.
    pub instance_attributes: BTreeMap<String, String>,
    /// Keys the simulator does not model (or the agent does not know), kept with their line.
    pub unknown_keys: Vec<(usize, String)>,
    /// What ecs-init and the agent do silently with a line, kept with its line for the summary
    /// and the event log: a line skipped, a value the agent cannot parse (its default used), a
    /// value kept with its quotes.
    pub notes: Vec<(usize, String)>,
}

/// What an `ECS_ENGINE_AUTH_DATA` entry holds, as far as the agent's use of it depends on
/// `ECS_ENGINE_AUTH_TYPE` (docs/ecs-facts.md §12 "Private registry auth").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuthEntry {
    /// `username` and `password`, as type `docker` reads them.
    pub username_password: bool,
    /// The `auth` field type `dockercfg` reads: absent, or whether it is base64 of `user:password`.
    pub auth: Option<bool>,
}

impl AuthEntry {
    fn read(v: &serde_json::Value) -> AuthEntry {
        use base64::Engine;
        let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
        AuthEntry {
            username_password: text("username").is_some_and(|u| !u.is_empty())
                && text("password").is_some(),
            auth: text("auth").map(|a| {
                base64::engine::general_purpose::STANDARD
                    .decode(a)
                    .is_ok_and(|d| d.contains(&b':'))
            }),
        }
    }
}

/// Whose defaults an `ecs.config` starts from (docs/ecs-facts.md §3 and "Conflicts" #4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub enum AgentDefaults {
    /// The ECS-optimised AMI: ecs-init turns on task IAM roles and task ENIs, and allows
    /// `["json-file","syslog","awslogs","fluentd","none"]`.
    #[default]
    #[serde(rename = "ecs-optimized-ami")]
    EcsOptimizedAmi,
    /// The agent's own defaults (a custom AMI that runs the agent without ecs-init):
    /// `["json-file","none"]`, task IAM roles and task ENIs off.
    #[serde(rename = "agent")]
    Agent,
}

impl AgentConfig {
    /// Whether the agent hands Docker credentials for `registry` (a host), or, when it does not,
    /// why, in words for the pull's error. With no `ECS_ENGINE_AUTH_TYPE` the agent passes empty
    /// credentials whatever the data holds; each type reads its own fields, and `dockercfg`
    /// skips an entry with no `auth` (docs/ecs-facts.md §12 "Private registry auth").
    pub fn credentials_for(&self, registry: &str) -> Result<(), String> {
        let Some((key, entry)) = self
            .engine_auth_data
            .iter()
            .find(|(k, _)| crate::registry::auth_key_host(k) == registry)
        else {
            return Err(format!(
                "no basic auth credentials: ECS_ENGINE_AUTH_DATA has no entry for registry {registry}"
            ));
        };
        let key = clip(key);
        match self.engine_auth_type.as_deref() {
            None => Err(format!(
                "no basic auth credentials: ECS_ENGINE_AUTH_DATA has {key}, but ECS_ENGINE_AUTH_TYPE is not set, so the agent pulls with empty credentials"
            )),
            Some("docker") if !entry.username_password => Err(format!(
                "no basic auth credentials: ECS_ENGINE_AUTH_TYPE=docker reads username and password, and the entry for {key} has none"
            )),
            Some("dockercfg") => match entry.auth {
                Some(true) => Ok(()),
                Some(false) => Err(format!(
                    "no basic auth credentials: the dockercfg entry for {key} has an auth field that is not base64 of user:password"
                )),
                None => Err(format!(
                    "no basic auth credentials: ECS_ENGINE_AUTH_TYPE=dockercfg reads the auth field (base64 of user:password), and the entry for {key} has none, so the agent skips it"
                )),
            },
            Some(_) => Ok(()),
        }
    }

    /// The configuration before any line of `ecs.config` is read.
    pub fn defaults(d: AgentDefaults) -> Self {
        let mut c = AgentConfig::default();
        if d == AgentDefaults::Agent {
            c.available_logging_drivers = vec!["json-file".into(), "none".into()];
            c.enable_task_iam_role = false;
            c.enable_task_eni = false;
        }
        c
    }
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            cluster: "default".into(),
            reserved_ports: DEFAULT_RESERVED_PORTS.to_vec(),
            reserved_memory: MiB(0),
            dynamic_port_range: DEFAULT_DYNAMIC_RANGE,
            engine_auth_type: None,
            engine_auth_data: BTreeMap::new(),
            available_logging_drivers: ["json-file", "syslog", "awslogs", "fluentd", "none"]
                .map(String::from)
                .to_vec(),
            enable_task_iam_role: true,
            enable_task_eni: true,
            image_pull_behavior: PullBehavior::Default,
            image_cleanup: CleanupSettings::default(),
            container_start_timeout: SimDuration::from_secs(180),
            container_stop_timeout: SimDuration::from_secs(30),
            enable_spot_instance_draining: false,
            instance_attributes: BTreeMap::new(),
            unknown_keys: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ecs.config line {line}: {message}")]
pub struct AgentConfigError {
    pub line: usize,
    pub message: String,
}

/// Keys the agent knows but the simulator does not act on; they are accepted silently.
const KNOWN_UNMODELLED: &[&str] = &[
    "ECS_LOGLEVEL",
    "ECS_LOGFILE",
    "ECS_DATADIR",
    "ECS_CHECKPOINT",
    "ECS_UPDATES_ENABLED",
    "ECS_DISABLE_PRIVILEGED",
    "ECS_SELINUX_CAPABLE",
    "ECS_APPARMOR_CAPABLE",
    "ECS_ENABLE_HIGH_DENSITY_ENI",
    "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST",
    "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE",
    "ECS_CONTAINER_CREATE_TIMEOUT",
    "ECS_IMAGE_PULL_TIMEOUT",
    "ECS_IMAGE_PULL_INACTIVITY_TIMEOUT",
    "ECS_DISABLE_METRICS",
    "ECS_POLL_METRICS",
    "ECS_RESERVED_PORTS_UDP",
    "ECS_WARM_POOLS_CHECK",
    "ECS_ENABLE_CONTAINER_METADATA",
    "ECS_CONTAINER_INSTANCE_TAGS",
    "ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM",
];

/// A boolean as Go's `strconv.ParseBool` reads it, which the agent uses.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A value as a note or an error shows it: its first 40 characters (`error::shorten`).
fn clip(v: &str) -> String {
    crate::error::shorten(v, 40).into_owned()
}

/// A duration value no shorter than `min`.
fn at_least(key: &str, v: &str, min: SimDuration) -> Result<SimDuration, String> {
    let d = parse_duration(v).map_err(|e| format!("{key}: {e}"))?;
    if d < min {
        return Err(format!("{key}={v:?} is below the {min} minimum"));
    }
    Ok(d)
}

fn parse_json<T: serde::de::DeserializeOwned>(
    key: &str,
    v: &str,
    shape: &str,
) -> Result<T, String> {
    // serde's message quotes the bad part of the value too: cut like the value.
    serde_json::from_str(v).map_err(|e| {
        format!(
            "{key}: expected {shape}, got {v:?} ({})",
            clip(&e.to_string())
        )
    })
}

impl AgentConfig {
    /// Parses the text of an `ecs.config` as ecs-init and the agent read it (docs/ecs-facts.md §12
    /// "How /etc/ecs/ecs.config is read"): `KEY=VALUE` lines split at the first `=`, whitespace
    /// trimmed, no shell syntax — quotes stay part of the value, `export KEY` is another key. A line
    /// without `=` is skipped, an empty `ECS_CLUSTER` means `default`, and a boolean the agent
    /// cannot parse leaves its default (docs/ecs-facts.md §12 "Empty or unparseable values"); each
    /// is noted (`notes`). Blank lines and `#` comments are skipped. Other bad values are errors:
    /// the agent would refuse them or ecsim cannot model them.
    pub fn parse(text: &str) -> Result<AgentConfig, AgentConfigError> {
        Self::parse_with(text, AgentDefaults::EcsOptimizedAmi)
    }

    /// Parses an `ecs.config` over the given defaults.
    pub fn parse_with(text: &str, d: AgentDefaults) -> Result<AgentConfig, AgentConfigError> {
        let mut c = AgentConfig::defaults(d);
        let mut auth_data_line = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| AgentConfigError { line, message };
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let Some((key, value)) = l.split_once('=') else {
                c.notes.push((
                    line,
                    format!("{:?} is not KEY=VALUE: ecs-init skips the line", clip(l)),
                ));
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            if let Some(k) = key.strip_prefix("export ") {
                c.notes.push((
                    line,
                    format!("`{key}` is not {}: ecs-init reads no shell syntax, so the agent never sees {}", clip(k.trim()), clip(k.trim())),
                ));
            }
            let quoted = value.len() >= 2
                && ['"', '\'']
                    .iter()
                    .any(|&q| value.starts_with(q) && value.ends_with(q));
            if quoted {
                c.notes.push((
                    line,
                    format!(
                        "{key}={}: the agent keeps the quotes as part of the value",
                        clip(value)
                    ),
                ));
            }
            // A bad value is quoted in the error by its first 40 characters (the fuzzer found a
            // kilobyte-long list echoed whole).
            c.set(key, value, line).map_err(|m| {
                err(m.replace(&format!("{value:?}"), &format!("{:?}", clip(value))))
            })?;
            if key == "ECS_ENGINE_AUTH_DATA" {
                auth_data_line = Some(line);
            }
        }
        if let (Some(line), None) = (auth_data_line, &c.engine_auth_type) {
            c.notes.push((
                line,
                "ECS_ENGINE_AUTH_DATA without ECS_ENGINE_AUTH_TYPE: the agent ignores the data and pulls with empty credentials".into(),
            ));
        }
        Ok(c)
    }

    /// A boolean setting: what the agent reads, or its `default` (noted) when it cannot.
    fn lenient_bool(&mut self, key: &str, v: &str, line: usize, default: bool) -> bool {
        parse_bool(v).unwrap_or_else(|| {
            self.notes.push((
                line,
                format!("{key}={} is not a boolean the agent reads (true, false, 1, 0, t, f): it keeps its default, {default}", clip(v)),
            ));
            default
        })
    }

    fn set(&mut self, key: &str, v: &str, line: usize) -> Result<(), String> {
        match key {
            "ECS_CLUSTER" => {
                if v.is_empty() {
                    self.notes.push((line, "ECS_CLUSTER is empty: the agent joins the cluster `default`".into()));
                    self.cluster = "default".into();
                } else {
                    self.cluster = v.to_string();
                }
            }
            "ECS_RESERVED_PORTS" => {
                self.reserved_ports = parse_json(key, v, "a JSON list of ports like [22, 2375]")?;
                if self.reserved_ports.len() > 100 {
                    // docs/ecs-facts.md §2 "Reserved-port cap per instance".
                    return Err(format!(
                        "ECS_RESERVED_PORTS lists {} ports; ECS allows at most 100",
                        self.reserved_ports.len()
                    ));
                }
            }
            "ECS_RESERVED_MEMORY" => {
                self.reserved_memory = MiB(v
                    .parse()
                    .map_err(|_| format!("ECS_RESERVED_MEMORY={v:?}: expected a whole number of MiB"))?);
            }
            "ECS_DYNAMIC_HOST_PORT_RANGE" => {
                let parsed = v.split_once('-').and_then(|(a, b)| {
                    Some((a.trim().parse::<Port>().ok()?, b.trim().parse::<Port>().ok()?))
                });
                match parsed {
                    Some((a, b)) if a > 0 && a <= b => self.dynamic_port_range = (a, b),
                    _ => {
                        return Err(format!(
                            "ECS_DYNAMIC_HOST_PORT_RANGE={v:?}: expected START-END with 0 < START <= END <= 65535"
                        ))
                    }
                }
            }
            "ECS_ENGINE_AUTH_TYPE" => match v {
                "docker" | "dockercfg" => self.engine_auth_type = Some(v.into()),
                _ => return Err(format!("ECS_ENGINE_AUTH_TYPE={v:?}: expected docker or dockercfg")),
            },
            "ECS_ENGINE_AUTH_DATA" => {
                let map: BTreeMap<String, serde_json::Value> =
                    parse_json(key, v, "a JSON map from registry URL to credentials")?;
                self.engine_auth_data = map
                    .into_iter()
                    .map(|(k, v)| (k, AuthEntry::read(&v)))
                    .collect();
            }
            "ECS_AVAILABLE_LOGGING_DRIVERS" => {
                self.available_logging_drivers =
                    parse_json(key, v, "a JSON list like [\"json-file\",\"awslogs\"]")?;
            }
            "ECS_ENABLE_TASK_IAM_ROLE" => self.enable_task_iam_role = self.lenient_bool(key, v, line, self.enable_task_iam_role),
            "ECS_IMAGE_PULL_BEHAVIOR" => {
                self.image_pull_behavior = PullBehavior::parse(v).ok_or_else(|| {
                    format!("ECS_IMAGE_PULL_BEHAVIOR={v:?}: expected default, always, once or prefer-cached")
                })?
            }
            "ECS_ENABLE_TASK_ENI" => self.enable_task_eni = self.lenient_bool(key, v, line, self.enable_task_eni),
            "ECS_DISABLE_IMAGE_CLEANUP" => self.image_cleanup.disabled = self.lenient_bool(key, v, line, self.image_cleanup.disabled),
            // docs/ecs-facts.md §3: interval minimum 10 min; cleanup wait values under 1 s are ignored.
            "ECS_IMAGE_CLEANUP_INTERVAL" => {
                self.image_cleanup.interval = at_least(key, v, SimDuration::from_secs(600))?
            }
            "ECS_IMAGE_MINIMUM_CLEANUP_AGE" => {
                self.image_cleanup.minimum_age = at_least(key, v, SimDuration::ZERO)?
            }
            "ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION" => {
                let d = at_least(key, v, SimDuration::ZERO)?;
                if d >= SimDuration::from_secs(1) {
                    self.image_cleanup.task_cleanup_wait = d;
                }
            }
            "ECS_NUM_IMAGES_DELETE_PER_CYCLE" => {
                self.image_cleanup.per_cycle = match v.parse::<u32>() {
                    Ok(n) if n >= 1 => n,
                    _ => return Err(format!("ECS_NUM_IMAGES_DELETE_PER_CYCLE={v:?}: expected a whole number, at least 1")),
                }
            }
            // docs/ecs-facts.md §3: minimum 45 s.
            "ECS_CONTAINER_START_TIMEOUT" => {
                self.container_start_timeout = at_least(key, v, SimDuration::from_secs(45))?
            }
            "ECS_CONTAINER_STOP_TIMEOUT" => {
                let d = parse_duration(v).map_err(|e| format!("ECS_CONTAINER_STOP_TIMEOUT: {e}"))?;
                // docs/ecs-facts.md §3: minimum 1 s.
                if d < SimDuration::from_secs(1) {
                    return Err(format!("ECS_CONTAINER_STOP_TIMEOUT={v:?} is below the 1s minimum"));
                }
                self.container_stop_timeout = d;
            }
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING" => {
                self.enable_spot_instance_draining =
                    self.lenient_bool(key, v, line, self.enable_spot_instance_draining)
            }
            "ECS_INSTANCE_ATTRIBUTES" => {
                self.instance_attributes =
                    parse_json(key, v, "a JSON map of string attributes like {\"stack\":\"prod\"}")?;
            }
            k if KNOWN_UNMODELLED.contains(&k) => {}
            k => self.unknown_keys.push((line, clip(k))),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_ecs_optimised_amis() {
        let c = AgentConfig::parse("").unwrap();
        assert_eq!(c.cluster, "default");
        assert_eq!(c.reserved_ports, vec![22, 2375, 2376, 51678, 51679]);
        assert_eq!(c.dynamic_port_range, (32768, 60999));
        assert!(c.enable_task_iam_role);
    }

    #[test]
    fn parses_keys_comments_and_keeps_unknown_keys() {
        let c = AgentConfig::parse(
            "# my instance\nECS_CLUSTER = prod \nECS_RESERVED_MEMORY=256\n\nECS_DYNAMIC_HOST_PORT_RANGE=40000-40010\nECS_FOO=bar\n",
        )
        .unwrap();
        assert_eq!(c.cluster, "prod");
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        assert_eq!(c.reserved_memory, MiB(256));
        assert_eq!(c.dynamic_port_range, (40000, 40010));
        assert_eq!(c.unknown_keys, vec![(6, "ECS_FOO".to_string())]);
    }

    #[test]
    fn cleanup_and_timeout_keys_have_the_agents_minimums() {
        let c = AgentConfig::parse(
            "ECS_IMAGE_CLEANUP_INTERVAL=15m\nECS_IMAGE_MINIMUM_CLEANUP_AGE=2h\nECS_NUM_IMAGES_DELETE_PER_CYCLE=2\nECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=1h\nECS_DISABLE_IMAGE_CLEANUP=true\nECS_CONTAINER_START_TIMEOUT=1m",
        )
        .unwrap();
        let s = c.image_cleanup;
        assert!(s.disabled);
        assert_eq!(s.interval, SimDuration::from_secs(900));
        assert_eq!(s.minimum_age, SimDuration::from_secs(7200));
        assert_eq!(s.per_cycle, 2);
        assert_eq!(s.task_cleanup_wait, SimDuration::from_secs(3600));
        assert_eq!(c.container_start_timeout, SimDuration::from_secs(60));
        for bad in [
            "ECS_IMAGE_CLEANUP_INTERVAL=5m",
            "ECS_NUM_IMAGES_DELETE_PER_CYCLE=0",
            "ECS_CONTAINER_START_TIMEOUT=30s",
        ] {
            let e = AgentConfig::parse(bad).unwrap_err();
            assert!(
                e.message.contains("minimum") || e.message.contains("at least"),
                "{e}"
            );
        }
        // Under a second, the task cleanup wait is ignored (the default stays).
        let c = AgentConfig::parse("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=500ms").unwrap();
        assert_eq!(
            c.image_cleanup.task_cleanup_wait,
            SimDuration::from_secs(3 * 3600)
        );
    }

    #[test]
    fn the_bare_agent_defaults_differ_from_the_amis() {
        let ami = AgentConfig::parse("").unwrap();
        let bare = AgentConfig::parse_with("", AgentDefaults::Agent).unwrap();
        assert!(ami.enable_task_iam_role && ami.enable_task_eni);
        assert!(!bare.enable_task_iam_role && !bare.enable_task_eni);
        assert!(ami
            .available_logging_drivers
            .contains(&"awslogs".to_string()));
        assert_eq!(bare.available_logging_drivers, ["json-file", "none"]);
        // A setting overrides either.
        let bare =
            AgentConfig::parse_with("ECS_ENABLE_TASK_IAM_ROLE=true", AgentDefaults::Agent).unwrap();
        assert!(bare.enable_task_iam_role);
    }

    #[test]
    fn bad_lines_name_the_line_and_key() {
        let e = AgentConfig::parse("ECS_CLUSTER=a\nECS_RESERVED_MEMORY=lots\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("ECS_RESERVED_MEMORY"), "{e}");
        let e = AgentConfig::parse("ECS_DYNAMIC_HOST_PORT_RANGE=9-3").unwrap_err();
        assert!(e.message.contains("START-END"), "{e}");
    }

    /// docs/ecs-facts.md §12: ecs-init reads no shell syntax, skips lines without `=`, and the
    /// agent falls back to its defaults for an empty cluster and an unreadable boolean.
    #[test]
    fn reads_the_file_as_ecs_init_does_and_notes_what_it_does_silently() {
        let c = AgentConfig::parse(
            "ECS_CLUSTER=\"prod\"\nexport ECS_RESERVED_MEMORY=256\njust words\nECS_ENABLE_TASK_IAM_ROLE=yes\nECS_ENABLE_SPOT_INSTANCE_DRAINING=1\n",
        )
        .unwrap();
        // The quotes are part of the name: this instance joins a cluster called "prod", quotes
        // and all.
        assert_eq!(c.cluster, "\"prod\"");
        // `export ECS_RESERVED_MEMORY` is another key: the memory stays unreserved.
        assert_eq!(c.reserved_memory, MiB(0));
        assert_eq!(
            c.unknown_keys,
            vec![(2, "export ECS_RESERVED_MEMORY".to_string())]
        );
        // An unreadable boolean keeps the default; Go's ParseBool reads 1.
        assert!(c.enable_task_iam_role);
        assert!(c.enable_spot_instance_draining);
        let lines: Vec<usize> = c.notes.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3, 4], "{:?}", c.notes);
        assert!(c.notes[0].1.contains("keeps the quotes"), "{:?}", c.notes);
        assert!(c.notes[1].1.contains("no shell syntax"), "{:?}", c.notes);
        assert!(c.notes[2].1.contains("skips the line"), "{:?}", c.notes);
        assert!(
            c.notes[3].1.contains("keeps its default, true"),
            "{:?}",
            c.notes
        );
        let c = AgentConfig::parse("ECS_CLUSTER=\n").unwrap();
        assert_eq!(c.cluster, "default");
        assert!(
            c.notes[0].1.contains("joins the cluster `default`"),
            "{:?}",
            c.notes
        );
    }

    #[test]
    fn a_long_bad_value_is_quoted_by_its_start() {
        let long = format!("[{}]", "9, ".repeat(1000));
        let e = AgentConfig::parse(&format!("ECS_RESERVED_PORTS={long}")).unwrap_err();
        assert!(e.message.len() < 300 && e.message.contains('…'), "{e}");
        // And serde's own message, which quotes the bad part (found by fuzzing too).
        let long = format!("[\"{}\"]", "x".repeat(2000));
        let e = AgentConfig::parse(&format!("ECS_RESERVED_PORTS={long}")).unwrap_err();
        assert!(e.message.len() < 400, "{} bytes: {e}", e.message.len());
    }
}
