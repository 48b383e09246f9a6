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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::object::Object;

    struct Read {
        app: App,
        notes: Vec<String>,
        left: Vec<String>,
    }

    /// The probes of container `web` read for an app of `app_type` whose port is `port` (named http).
    fn read_probes_of(app_type: AppType, port: Option<i64>, liveness: Value, readiness: Value) -> Read {
        let mut container = json!({"name": "web"});
        for (key, probe) in [("livenessProbe", liveness), ("readinessProbe", readiness)] {
            if probe != json!(null) {
                container[key] = probe;
            }
        }
        let object = Object {
            kind: "Deployment".into(),
            name: "web".into(),
            template: "t.yaml".into(),
            body: json!({"spec": {"containers": [container]}}),
        };
        let mut fields = Fields::new(&object, "Deployment/web".into());
        let container = fields.items(&FieldPath::of_keys(&["spec", "containers"]))[0].clone();
        fields.take(&container.key("name"));
        let ports = PodPorts {
            port,
            by_name: port.map(|p| BTreeMap::from([("http".to_string(), p)])).unwrap_or_default(),
            ..PodPorts::default()
        };
        let mut app = App::new("web", app_type, "Deployment/web".into());
        let mut notes = Vec::new();
        read_probes(&mut fields, &container, &mut app, &ports, &mut notes);
        let left = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        Read { app, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    fn api(liveness: Value, readiness: Value) -> Read {
        read_probes_of(AppType::InternalApi, Some(8080), liveness, readiness)
    }

    fn get(path: &str, port: Value) -> Value {
        json!({"httpGet": {"path": path, "port": port}, "periodSeconds": 5})
    }

    fn str_attr(app: &App, attribute: Attribute) -> Option<&str> {
        match app.get(attribute) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    const CONTAINER: &str = "Deployment/web spec.containers[web]";

    #[test]
    fn distinct_http_paths_are_liveness_and_readiness_paths() {
        let read = api(get("/live", json!("http")), get("/ready", json!(8080)));
        assert_eq!(str_attr(&read.app, Attribute::HealthLivenessPath), Some("/live"));
        assert_eq!(str_attr(&read.app, Attribute::HealthReadinessPath), Some("/ready"));
        assert_eq!(read.app.get(Attribute::HealthProbe), None);
        assert_eq!(read.app.get(Attribute::HealthPort), None, "the app's own port");
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        // The handlers are taken; the timing stays for the report.
        assert_eq!(
            read.left,
            ["spec.containers[web].livenessProbe.periodSeconds", "spec.containers[web].readinessProbe.periodSeconds"]
        );
        // A worker names its health port even when it is the app's port.
        let read =
            read_probes_of(AppType::Worker, Some(8080), get("/live", json!("8080")), get("/ready", json!("http")));
        assert_eq!(read.app.get(Attribute::HealthPort), Some(&AttrValue::Int(8080)));
        let explicit = json!({"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"}});
        let read = api(get("/live", json!(8080)), explicit);
        assert_eq!(str_attr(&read.app, Attribute::HealthReadinessPath), Some("/ready"));
    }

    #[test]
    fn one_http_path_for_both_becomes_tcp() {
        let read = api(get("/healthz", json!(8080)), get("/healthz", json!(8080)));
        assert_eq!(str_attr(&read.app, Attribute::HealthProbe), Some("tcp"));
        assert_eq!(read.app.get(Attribute::HealthLivenessPath), None);
        assert_eq!(
            read.notes,
            [format!(
                "{CONTAINER}: liveness and readiness both GET /healthz, and the rules need distinct paths: tcp instead \
                 (set health_readiness_path to a readiness endpoint to keep HTTP)"
            )]
        );
    }

    #[test]
    fn tcp_and_grpc_probes_are_their_kind() {
        let tcp = json!({"tcpSocket": {"port": "http"}});
        let read = api(tcp.clone(), tcp);
        assert_eq!(str_attr(&read.app, Attribute::HealthProbe), Some("tcp"));
        assert!(read.notes.is_empty() && read.left.is_empty(), "{:?} {:?}", read.notes, read.left);
        let grpc = json!({"grpc": {"port": 9090}});
        let read = api(grpc.clone(), grpc);
        assert_eq!(str_attr(&read.app, Attribute::HealthProbe), Some("grpc"));
        assert_eq!(read.app.get(Attribute::HealthPort), Some(&AttrValue::Int(9090)), "another port than the app's");
    }

    #[test]
    fn exec_probes_are_one_health_command_without_a_port() {
        let exec = |command: Value| json!({"exec": {"command": command}});
        let read = read_probes_of(AppType::Worker, Some(8080), exec(json!(["/check"])), exec(json!(["/check"])));
        assert_eq!(read.app.get(Attribute::HealthCommand), Some(&AttrValue::List(vec!["/check".into()])));
        assert_eq!(read.app.get(Attribute::HealthPort), None);
        assert!(read.notes.is_empty() && read.left.is_empty(), "{:?} {:?}", read.notes, read.left);
        let read = api(exec(json!(["/live"])), exec(json!(["/ready", "a|b"])));
        assert_eq!(read.app.get(Attribute::HealthCommand), Some(&AttrValue::List(vec!["/live".into()])));
        assert_eq!(
            read.notes,
            [
                r#"Deployment/web spec.containers[web].readinessProbe: runs [/ready, "a|b"] and liveness [/live]: the rules run one health_command for both, the liveness command is imported, so readiness checks only liveness (to keep a separate readiness check, make one command that fails while the app is not ready and set health_command to it)"#
            ]
        );
        assert_eq!(show_command(&["a".into(), "b|c".into()]), r#"[a, "b|c"]"#);
    }

    #[test]
    fn different_kinds_become_tcp_with_both_described() {
        let note = |l: &str, r: &str| {
            format!(
                "{CONTAINER}: liveness {l} and readiness {r}: the rules give both probes one kind (http GET with \
                 distinct paths, grpc, tcp, or exec with one health_command): tcp instead (set health_probe and its \
                 settings by hand to choose another kind)"
            )
        };
        let https = json!({"httpGet": {"path": "/live", "port": 8080, "scheme": "HTTPS"}});
        let headers = json!({"httpGet": {"path": "/live", "port": 8080, "httpHeaders": []}});
        for (liveness, readiness, l, r) in [
            (get("/live", json!(8080)), json!({"tcpSocket": {"port": 8080}}), "GET /live", "tcp"),
            (
                json!({"grpc": {"port": 8080}}),
                json!({"exec": {"command": ["/ready", "x|y"]}}),
                "grpc",
                r#"runs [/ready, "x|y"]"#,
            ),
            (https, json!(null), "an HTTPS or header-carrying httpGet", "none"),
            (
                headers,
                json!({"exec": {"command": []}}),
                "an HTTPS or header-carrying httpGet",
                "a probe with no handler the rules know",
            ),
            (
                json!({"exec": {"command": ["/c"], "x": 1}}),
                json!({"periodSeconds": 1}),
                "a probe with no handler the rules know",
                "a probe with no handler the rules know",
            ),
        ] {
            let read = api(liveness, readiness);
            assert_eq!(str_attr(&read.app, Attribute::HealthProbe), Some("tcp"));
            assert_eq!(read.notes, [note(l, r)]);
        }
    }

    #[test]
    fn no_probes_are_tcp_for_an_api_and_an_exception_for_a_worker() {
        let read = api(json!(null), json!(null));
        assert_eq!(str_attr(&read.app, Attribute::HealthProbe), Some("tcp"));
        assert_eq!(
            read.notes,
            [format!(
                "{CONTAINER}: no probes: the rules give every API liveness and readiness probes; tcp (a connection to \
                 the port) rather than invented HTTP paths"
            )]
        );
        assert_eq!(read.app.get(Attribute::PolicyExceptions), None);
        for app_type in [AppType::Worker, AppType::Daemon] {
            let read = read_probes_of(app_type, Some(8080), json!(null), json!(null));
            assert_eq!(
                read.app.get(Attribute::PolicyExceptions),
                Some(&AttrValue::Dict([("probes".into(), UNPROBED_WORKER_REASON.into())].into()))
            );
            assert_eq!(read.app.get(Attribute::HealthProbe), None);
            assert_eq!(read.notes, [format!("{CONTAINER}: {UNPROBED_WORKER_NOTE}")]);
        }
    }

    #[test]
    fn batch_apps_have_no_probes() {
        for app_type in [AppType::Job, AppType::Cronjob] {
            let read = read_probes_of(app_type, Some(8080), get("/live", json!(8080)), get("/ready", json!(8080)));
            assert!(read.app.attributes.is_empty(), "{:?}", read.app.attributes);
            assert!(read.notes.is_empty(), "{:?}", read.notes);
            assert_eq!(read.left, ["spec.containers[web].livenessProbe", "spec.containers[web].readinessProbe"]);
        }
    }

    #[test]
    fn probes_on_two_ports_keep_the_liveness_port_with_a_note() {
        let read = api(get("/live", json!(8081)), get("/ready", json!("8082")));
        assert_eq!(read.app.get(Attribute::HealthPort), Some(&AttrValue::Int(8081)));
        assert_eq!(
            read.notes,
            [format!(
                "{CONTAINER}: liveness probes port 8081 and readiness port 8082; the rules probe one (health_port = \
                 8081): serve both checks on one port to keep them"
            )]
        );
        // Only readiness names a port: that one.
        let read = api(get("/live", json!("admin")), get("/ready", json!(8082)));
        assert_eq!(read.app.get(Attribute::HealthPort), Some(&AttrValue::Int(8082)));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }

    #[test]
    fn a_worker_probing_no_known_port_loses_its_health_attributes() {
        let read = read_probes_of(AppType::Worker, None, get("/live", json!("admin")), get("/ready", json!(true)));
        assert_eq!(read.notes, [format!("{CONTAINER}: probes on no known port: health_port needed, set it by hand")]);
        assert!(!read.app.attributes.keys().any(|a| a.name().starts_with("health_")), "{:?}", read.app.attributes);
        // An API without a port keeps its paths (the rules give it one).
        let read = read_probes_of(AppType::InternalApi, None, get("/live", json!("admin")), get("/ready", json!(true)));
        assert_eq!(str_attr(&read.app, Attribute::HealthLivenessPath), Some("/live"));
        assert_eq!(read.app.get(Attribute::HealthPort), None);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }
}
