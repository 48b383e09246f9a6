//! Liveness and readiness probes as `health_*` attributes. The rules give liveness and
//! readiness one kind: http with distinct paths, grpc, tcp, or exec (one `health_command`
//! for both). What a chart has beyond that becomes tcp (a connection to the port: it checks
//! the process is up without inventing an endpoint the app may not serve), with a note.

use serde_json::Value;

use super::app::{App, AppType, AttrValue, Attribute};
use super::common::string_list;
use super::fields::Fields;
use super::note::Note;
use super::workload::PodPorts;
use crate::compare::report::show;
use crate::path::FieldPath;

#[derive(Debug, PartialEq)]
enum Probe {
    Http { path: String, port: Option<i64> },
    Tcp { port: Option<i64> },
    Grpc { port: Option<i64> },
    Exec { command: Vec<String> },
    Other(&'static str),
    Missing,
}

impl Probe {
    fn describe(&self) -> String {
        match self {
            Probe::Http { path, .. } => format!("GET {path}"),
            Probe::Tcp { .. } => "tcp".into(),
            Probe::Grpc { .. } => "grpc".into(),
            Probe::Exec { command } => format!("runs {}", show_command(command)),
            Probe::Other(what) => (*what).into(),
            Probe::Missing => "none".into(),
        }
    }

    fn port(&self) -> Option<i64> {
        match self {
            Probe::Http { port, .. } | Probe::Tcp { port } | Probe::Grpc { port } => *port,
            _ => None,
        }
    }
}

/// A command as a reader would type it, each word JSON-quoted when it needs quoting.
fn show_command(command: &[String]) -> String {
    let words: Vec<String> = command.iter().map(|w| show(&Value::String(w.clone()))).collect();
    format!("[{}]", words.join(", "))
}

fn port_of(value: Option<&Value>, ports: &PodPorts) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(name) => ports.by_name.get(name).copied().or_else(|| name.parse().ok()),
        _ => None,
    }
}

fn read(fields: &Fields, probe: &FieldPath, ports: &PodPorts) -> Probe {
    let Some(_) = fields.peek(probe) else { return Probe::Missing };
    let http = probe.key("httpGet");
    if fields.peek(&http).is_some() {
        let scheme_ok = fields.peek(&http.key("scheme")).is_none_or(|s| s == "HTTP");
        let plain = fields.keys(&http).iter().all(|k| matches!(k.as_str(), "path" | "port" | "scheme"));
        return match fields.peek(&http.key("path")).and_then(Value::as_str) {
            Some(path) if scheme_ok && plain => {
                Probe::Http { path: path.to_string(), port: port_of(fields.peek(&http.key("port")), ports) }
            }
            _ => Probe::Other("an HTTPS or header-carrying httpGet"),
        };
    }
    if fields.peek(&probe.key("tcpSocket")).is_some() {
        return Probe::Tcp { port: port_of(fields.peek(&probe.key("tcpSocket").key("port")), ports) };
    }
    if fields.peek(&probe.key("grpc")).is_some() {
        return Probe::Grpc { port: port_of(fields.peek(&probe.key("grpc").key("port")), ports) };
    }
    let exec = probe.key("exec");
    let command = fields.peek(&exec.key("command")).and_then(string_list);
    match command {
        Some(command) if !command.is_empty() && fields.keys(&exec) == ["command"] => Probe::Exec { command },
        _ => Probe::Other("a probe with no handler the rules know"),
    }
}

/// The handler fields of a probe (what it checks); its timing stays for the report.
fn take_handler(fields: &mut Fields, probe: &FieldPath) {
    for handler in ["httpGet", "tcpSocket", "grpc", "exec"] {
        fields.take(&probe.key(handler));
    }
}

/// The reason an imported worker without probes is excused, until someone adds health checks.
const UNPROBED_WORKER_REASON: &str =
    "imported from a chart that gives this worker no probes; add health checks (health_port) and drop this exception";
const UNPROBED_WORKER_NOTE: &str =
    "no probes: kept with policy_exceptions = {\"probes\": ...}; give the worker health checks and remove it";

pub fn read_probes(fields: &mut Fields, container: &FieldPath, app: &mut App, ports: &PodPorts, notes: &mut Vec<Note>) {
    if matches!(app.app_type, AppType::Job | AppType::Cronjob) {
        return; // batch apps have no probes; any in the chart are reported as left over
    }
    let (liveness_path, readiness_path) = (container.key("livenessProbe"), container.key("readinessProbe"));
    let liveness = read(fields, &liveness_path, ports);
    let readiness = read(fields, &readiness_path, ports);
    let is_api = matches!(app.app_type, AppType::ExternalApi | AppType::InternalApi);
    // Some(reason) when the chart's probes cannot be expressed and tcp stands in for them.
    let tcp_instead: Option<String> = match (&liveness, &readiness) {
        (Probe::Missing, Probe::Missing) if !is_api => {
            // The rules refuse a long-running app without probes unless an exception says
            // why; the import keeps the chart's behaviour and says so.
            app.insert(Attribute::PolicyExceptions, "probes", UNPROBED_WORKER_REASON);
            notes.push(Note::field(&fields.id, container, UNPROBED_WORKER_NOTE));
            return;
        }
        (Probe::Missing, Probe::Missing) => Some(
            "no probes: the rules give every API liveness and readiness probes; tcp (a connection to the port) \
             rather than invented HTTP paths"
                .into(),
        ),
        (Probe::Http { path: l, .. }, Probe::Http { path: r, .. }) if l == r => Some(format!(
            "liveness and readiness both GET {l}, and the rules need distinct paths: tcp instead (set \
             health_readiness_path to a readiness endpoint to keep HTTP)"
        )),
        (Probe::Http { path: l, .. }, Probe::Http { path: r, .. }) => {
            app.set_str(Attribute::HealthLivenessPath, l);
            app.set_str(Attribute::HealthReadinessPath, r);
            None
        }
        (Probe::Tcp { .. }, Probe::Tcp { .. }) => {
            app.set_str(Attribute::HealthProbe, "tcp");
            None
        }
        (Probe::Grpc { .. }, Probe::Grpc { .. }) => {
            app.set_str(Attribute::HealthProbe, "grpc");
            None
        }
        (Probe::Exec { command: l }, Probe::Exec { command: r }) => {
            app.set(Attribute::HealthCommand, AttrValue::List(l.clone()));
            if l != r {
                notes.push(Note::field(
                    &fields.id,
                    &readiness_path,
                    format!(
                        "runs {} and liveness {}: the rules run one health_command for both, the liveness command \
                         is imported, so readiness checks only liveness (to keep a separate readiness check, make one \
                         command that fails while the app is not ready and set health_command to it)",
                        show_command(r),
                        show_command(l)
                    ),
                ));
            }
            None
        }
        (l, r) => Some(format!(
            "liveness {} and readiness {}: the rules give both probes one kind (http GET with distinct paths, grpc, \
             tcp, or exec with one health_command): tcp instead (set health_probe and its settings by hand to choose \
             another kind)",
            l.describe(),
            r.describe()
        )),
    };
    if let Some(reason) = tcp_instead {
        app.set_str(Attribute::HealthProbe, "tcp");
        notes.push(Note::field(&fields.id, container, reason));
    }
    for probe in [&liveness_path, &readiness_path] {
        take_handler(fields, probe);
    }
    if app.get(Attribute::HealthCommand).is_some() && app.get(Attribute::HealthProbe).is_none() {
        return; // an exec probe runs in the container: no port to probe
    }

    // The probe port: the app's port unless the chart probes another one.
    let probe_port = liveness.port().or(readiness.port()).or(ports.port);
    if let (Some(l), Some(r)) = (liveness.port(), readiness.port()) {
        if l != r {
            notes.push(Note::field(
                &fields.id,
                container,
                format!(
                    "liveness probes port {l} and readiness port {r}; the rules probe one (health_port = {l}): \
                     serve both checks on one port to keep them"
                ),
            ));
        }
    }
    match probe_port {
        Some(port) if Some(port) != ports.port || !is_api => app.set(Attribute::HealthPort, AttrValue::Int(port)),
        Some(_) => {}
        None if !is_api => {
            notes.push(Note::field(
                &fields.id,
                container,
                "probes on no known port: health_port needed, set it by hand",
            ));
            app.attributes.retain(|a, _| !a.name().starts_with("health_"));
        }
        None => {}
    }
}
