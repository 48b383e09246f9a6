//! Reachability on small hand-written releases: two or three workloads, their Services
//! and the policies under test.

use super::*;
use serde_json::json;

fn deployment(name: &str, env: Value) -> (String, Value) {
    let object = json!({
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"template": {
            "metadata": {"labels": {"app": name, "tier": "back"}},
            "spec": {"containers": [{"name": name, "env": env, "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]}
        }}
    });
    (format!("Deployment/{name}"), object)
}

fn service(name: &str) -> (String, Value) {
    let object = json!({
        "kind": "Service",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}
    });
    (format!("Service/{name}"), object)
}

fn policy(name: &str, spec: Value) -> (String, Value) {
    (format!("NetworkPolicy/{name}"), json!({"kind": "NetworkPolicy", "metadata": {"name": name}, "spec": spec}))
}

/// A default-deny policy of the pods of `app`, with these rules.
fn deny_but(app: &str, ingress: Value, egress: Value) -> (String, Value) {
    policy(
        app,
        json!({"podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Ingress", "Egress"], "ingress": ingress, "egress": egress}),
    )
}

fn from_app(app: &str, port: Value) -> Value {
    json!({"from": [{"podSelector": {"matchLabels": {"app": app}}}], "ports": [{"port": port, "protocol": "TCP"}]})
}

fn to_app(app: &str, port: Value) -> Value {
    json!({"to": [{"podSelector": {"matchLabels": {"app": app}}}], "ports": [{"port": port, "protocol": "TCP"}]})
}

/// web addresses api's Service (`API_URL`), as a sibling address renders.
fn web_and_api() -> Vec<(String, Value)> {
    vec![
        deployment("web", json!([{"name": "API_URL", "value": "http://api.default.svc:80"}])),
        deployment("api", json!([])),
        service("api"),
    ]
}

fn run(objects: Vec<(String, Value)>) -> Report {
    let namespaces = Namespaces {
        release: "default".into(),
        ingress_controller: Some("ingress-nginx".into()),
        monitoring: Some("monitoring".into()),
        outside: Vec::new(),
        peer_services: Vec::new(),
    };
    check(&objects.into_iter().collect(), &namespaces)
}

fn with(mut objects: Vec<(String, Value)>, more: impl IntoIterator<Item = (String, Value)>) -> Vec<(String, Value)> {
    objects.extend(more);
    objects
}

/// The declared paths found closed (a test that leaves some pods without a policy also finds
/// the paths to and from them open, which other tests check).
fn closed(report: &Report) -> Vec<&String> {
    report.problems.iter().filter(|p| p.starts_with("declared path closed")).collect()
}

const SIBLING_PATH: &str = "Deployment/web -> Deployment/api port 8080/TCP (http)";

#[test]
fn without_policies_every_path_is_open_and_only_the_declared_ones_are_listed() {
    let report = run(web_and_api());
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!(
        report.matrix,
        format!("  open    {SIBLING_PATH}  (declared by env API_URL of Deployment/web (Service api port 80))\n")
    );
    assert!(report.summary.starts_with("1 declared path(s), 0 of them closed; 0 open path(s)"), "{}", report.summary);
}

#[test]
fn default_deny_closes_a_sibling_address_in_both_directions() {
    let report =
        run(with(web_and_api(), [deny_but("web", json!([]), json!([])), deny_but("api", json!([]), json!([]))]));
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let problem = &report.problems[0];
    assert!(
        problem
            .starts_with(&format!("declared path closed: {SIBLING_PATH}, declared by env API_URL of Deployment/web")),
        "{problem}"
    );
    assert!(problem.contains("egress denied: NetworkPolicy/web select(s) Deployment/web for Egress and no egress rule admits Deployment/api"), "{problem}");
    assert!(problem.contains("ingress denied: NetworkPolicy/api select(s) Deployment/api for Ingress and no ingress rule admits Deployment/web"), "{problem}");
    assert!(report.matrix.contains(&format!("  CLOSED  {SIBLING_PATH}")), "{}", report.matrix);
}

#[test]
fn a_path_open_at_one_end_only_is_closed_at_the_other() {
    let policies =
        [deny_but("web", json!([]), json!([to_app("api", json!(8080))])), deny_but("api", json!([]), json!([]))];
    let report = run(with(web_and_api(), policies));
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(!report.problems[0].contains("egress denied"), "{}", report.problems[0]);
    assert!(report.problems[0].contains("ingress denied: NetworkPolicy/api"), "{}", report.problems[0]);
    assert!(
        report.problems[0].contains(
            "declared by env API_URL of Deployment/web (Service api port 80); egress rule 1 of NetworkPolicy/web"
        ),
        "{}",
        report.problems[0]
    );
}

#[test]
fn named_ports_resolve_against_the_destinations_container_ports() {
    let open = [
        deny_but("web", json!([]), json!([to_app("api", json!(8080))])),
        deny_but("api", json!([from_app("web", json!("http"))]), json!([])),
    ];
    let report = run(with(web_and_api(), open));
    assert_eq!(report.problems, Vec::<String>::new());
    // A name the destination does not give its port admits nothing.
    let wrong = [
        deny_but("web", json!([]), json!([to_app("api", json!(8080))])),
        deny_but("api", json!([from_app("web", json!("https"))]), json!([])),
    ];
    let report = run(with(web_and_api(), wrong));
    assert!(report.problems.iter().any(|p| p.contains("ingress denied: NetworkPolicy/api")), "{:?}", report.problems);
    // Nor does the right name with another protocol.
    let udp = json!([{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": "http", "protocol": "UDP"}]}]);
    let report = run(with(web_and_api(), [deny_but("web", json!([]), json!([{}])), deny_but("api", udp, json!([]))]));
    assert!(report.problems.iter().any(|p| p.contains("ingress denied: NetworkPolicy/api")), "{:?}", report.problems);
}

#[test]
fn port_ranges_and_missing_ports_admit_what_kubernetes_admits() {
    let range = json!([{"to": [{"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": 8000, "endPort": 8100, "protocol": "TCP"}]}]);
    let report = run(with(web_and_api(), [deny_but("web", json!([]), range)]));
    assert_eq!(closed(&report), Vec::<&String>::new());
    let below =
        json!([{"to": [{"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": 8000, "endPort": 8079}]}]);
    let report = run(with(web_and_api(), [deny_but("web", json!([]), below)]));
    assert!(report.problems.iter().any(|p| p.contains("egress denied")), "{:?}", report.problems);
}

#[test]
fn policy_types_default_to_ingress_and_to_egress_only_with_egress_rules() {
    // No policyTypes and no egress rules: egress stays unrestricted, ingress is denied.
    let ingress_only = policy("api", json!({"podSelector": {"matchLabels": {"app": "api"}}}));
    let web_egress_rules =
        policy("web", json!({"podSelector": {"matchLabels": {"app": "web"}}, "egress": [to_app("db", json!(5432))]}));
    let report = run(with(web_and_api(), [ingress_only, web_egress_rules]));
    let problem = report.problems.iter().find(|p| p.contains(SIBLING_PATH)).expect("the sibling path is closed");
    assert!(
        problem.contains("egress denied: NetworkPolicy/web"),
        "egress rules make the policy an Egress one: {problem}"
    );
    assert!(problem.contains("ingress denied: NetworkPolicy/api"), "{problem}");
}

#[test]
fn match_expressions_select_pods_and_peers() {
    let api = policy(
        "api",
        json!({
            "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "other"]}]},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["api"]}, {"key": "tier", "operator": "Exists"}]}}]}]
        }),
    );
    let report = run(with(web_and_api(), [api.clone()]));
    assert_eq!(closed(&report), Vec::<&String>::new());
    let mut closed = api;
    closed.1["spec"]["ingress"][0]["from"][0]["podSelector"]["matchExpressions"][1]["operator"] = json!("DoesNotExist");
    let report = run(with(web_and_api(), [closed]));
    assert!(report.problems.iter().any(|p| p.contains("ingress denied: NetworkPolicy/api")), "{:?}", report.problems);
}

#[test]
fn namespace_selectors_admit_the_ingress_controller_to_a_backend() {
    let ingress = (
        "Ingress/edge".to_string(),
        json!({"kind": "Ingress", "metadata": {"name": "edge"}, "spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}}]}}),
    );
    let objects = vec![deployment("api", json!([])), service("api"), ingress];
    let from_namespace = |name: &str| json!([{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}], "ports": [{"port": "http"}]}]);
    let report = run(with(objects.clone(), [deny_but("api", from_namespace("ingress-nginx"), json!([]))]));
    assert_eq!(report.problems, Vec::<String>::new());
    assert!(report.matrix.contains("open    namespace ingress-nginx -> Deployment/api port 8080/TCP (http)  (declared by Ingress/edge (backend api port http))"), "{}", report.matrix);
    let report = run(with(objects, [deny_but("api", from_namespace("traefik"), json!([]))]));
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].starts_with("declared path closed: namespace ingress-nginx -> Deployment/api port 8080/TCP (http), declared by Ingress/edge"), "{}", report.problems[0]);
    assert!(report.problems[0].contains("no ingress rule admits namespace ingress-nginx"), "{}", report.problems[0]);
}

#[test]
fn a_gateway_route_declares_the_path_from_its_gateways_namespace() {
    let route = |kind: &str, backend: Value| {
        (
            format!("{kind}/edge"),
            json!({"kind": kind, "metadata": {"name": "edge"}, "spec": {
                "parentRefs": [{"name": "shared", "namespace": "gateway-system"}],
                "rules": [{"backendRefs": [backend]}]
            }}),
        )
    };
    let from_namespace = |name: &str| json!([{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}], "ports": [{"port": "http"}]}]);
    for kind in ["HTTPRoute", "GRPCRoute"] {
        let objects =
            vec![deployment("api", json!([])), service("api"), route(kind, json!({"name": "api", "port": 80}))];
        let report = run(with(objects.clone(), [deny_but("api", from_namespace("gateway-system"), json!([]))]));
        assert_eq!(report.problems, Vec::<String>::new(), "{kind}");
        assert!(report.matrix.contains(&format!("open    namespace gateway-system -> Deployment/api port 8080/TCP (http)  (declared by {kind}/edge (backend api port 80))")), "{}", report.matrix);
        // Admitting the ingress controller, as in Ingress mode, leaves the Gateway out.
        let report = run(with(objects, [deny_but("api", from_namespace("ingress-nginx"), json!([]))]));
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert!(report.problems[0].starts_with(&format!("declared path closed: namespace gateway-system -> Deployment/api port 8080/TCP (http), declared by {kind}/edge")), "{}", report.problems[0]);
    }
    // A backend in another namespace, or not a Service, is not the release's to admit.
    for backend in [
        json!({"name": "api", "port": 80, "namespace": "other"}),
        json!({"name": "api", "port": 80, "kind": "Backend", "group": "example.com"}),
    ] {
        let objects = vec![deployment("api", json!([])), service("api"), route("HTTPRoute", backend.clone())];
        let report = run(with(objects, [deny_but("api", json!([]), json!([]))]));
        assert_eq!(report.problems, Vec::<String>::new(), "{backend}");
    }
}

#[test]
fn a_service_monitor_declares_the_monitoring_namespaces_path() {
    let monitor = (
        "ServiceMonitor/api".to_string(),
        json!({"kind": "ServiceMonitor", "metadata": {"name": "api"}, "spec": {"selector": {"matchLabels": {"app": "api"}}, "endpoints": [{"port": "http"}]}}),
    );
    let report =
        run(vec![deployment("api", json!([])), service("api"), monitor, deny_but("api", json!([]), json!([]))]);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].starts_with("declared path closed: namespace monitoring -> Deployment/api port 8080/TCP (http), declared by ServiceMonitor/api (Service api port 80)"), "{}", report.problems[0]);
}

#[test]
fn an_open_path_nobody_declared_is_a_problem() {
    // api admits every pod of the namespace; worker has no policy, so its egress is open.
    let everyone = json!([{"from": [{"podSelector": {}}], "ports": [{"port": "http"}]}]);
    let objects = with(
        web_and_api(),
        [
            deployment("worker", json!([])),
            deny_but("api", everyone, json!([])),
            deny_but("web", json!([]), json!([to_app("api", json!(8080))])),
        ],
    );
    let report = run(objects);
    let undeclared: Vec<&String> = report.problems.iter().filter(|p| p.starts_with("undeclared open path")).collect();
    assert!(
        undeclared.contains(&&"undeclared open path: Deployment/worker -> Deployment/api port 8080/TCP (http): no NetworkPolicy selects Deployment/worker for Egress; ingress rule 1 of NetworkPolicy/api admits it".to_string()),
        "{undeclared:?}"
    );
    // The worker, selected by no policy, is open to web (web's egress denies it) and to itself.
    assert!(
        undeclared
            .iter()
            .any(|p| p.starts_with("undeclared open path: Deployment/worker -> Deployment/worker port 8080/TCP")),
        "{undeclared:?}"
    );
    assert!(!undeclared.iter().any(|p| p.contains(SIBLING_PATH)), "the sibling path is declared: {undeclared:?}");
    assert!(report.matrix.contains("UNDECLARED"), "{}", report.matrix);
}

#[test]
fn a_selector_of_several_workloads_opens_paths_without_declaring_them() {
    // api admits every pod of tier "back" (web and worker): it names neither.
    let tier = json!([{"from": [{"podSelector": {"matchLabels": {"tier": "back"}}}], "ports": [{"port": "http"}]}]);
    let worker_egress = json!([{"to": [{"podSelector": {"matchLabels": {"app": "api"}}}]}]);
    let objects = with(
        web_and_api(),
        [
            deployment("worker", json!([])),
            deny_but("api", tier, json!([])),
            deny_but("web", json!([]), json!([to_app("api", json!(8080))])),
            deny_but("worker", json!([]), worker_egress),
        ],
    );
    let report = run(objects);
    // worker's egress names api, so that path is declared (and open); web -> api is the
    // sibling path; api -> api is open only at its ingress.
    assert_eq!(report.problems, Vec::<String>::new());
    let mut wide = with(web_and_api(), [deployment("worker", json!([]))]);
    wide.push(deny_but("api", json!([{"from": [{"podSelector": {"matchLabels": {"tier": "back"}}}]}]), json!([])));
    wide.push(deny_but("web", json!([]), json!([to_app("api", json!(8080))])));
    wide.push(deny_but("worker", json!([]), json!([{"to": [{"podSelector": {"matchLabels": {"tier": "back"}}}]}])));
    let report = run(wide);
    assert_eq!(
        report.problems,
        ["undeclared open path: Deployment/worker -> Deployment/api port 8080/TCP (http): egress rule 1 of NetworkPolicy/worker admits it; ingress rule 1 of NetworkPolicy/api admits it"]
    );
}

#[test]
fn ip_blocks_never_match_pods() {
    let any_address = json!([{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]);
    let report = run(with(web_and_api(), [deny_but("web", json!([]), any_address)]));
    assert!(report.problems.iter().any(|p| p.contains("egress denied: NetworkPolicy/web")), "{:?}", report.problems);
}

#[test]
fn cron_job_pods_are_read_from_the_job_template() {
    let cron = (
        "CronJob/report".to_string(),
        json!({"kind": "CronJob", "metadata": {"name": "report"}, "spec": {"jobTemplate": {"spec": {"template": {
            "metadata": {"labels": {"app": "report"}},
            "spec": {"containers": [{"name": "report", "env": [{"name": "API", "value": "api:80"}]}]}
        }}}}}),
    );
    let report =
        run(vec![cron, deployment("api", json!([])), service("api"), deny_but("report", json!([]), json!([]))]);
    let closed = closed(&report);
    assert_eq!(closed.len(), 1, "{:?}", report.problems);
    assert!(closed[0].starts_with("declared path closed: CronJob/report -> Deployment/api port 8080/TCP (http), declared by env API of CronJob/report"), "{}", closed[0]);
}

#[test]
fn addresses_name_services_of_the_release_namespace_only() {
    let release = Release::read(&web_and_api().into_iter().collect());
    let service_of =
        |value: &str| addressed_service(value, &release, "default").map(|(s, port)| (s.name.clone(), port));
    assert_eq!(service_of("http://api.default.svc:80/v1?q=1"), Some(("api".into(), Some(80))));
    assert_eq!(service_of("api.default.svc.cluster.local:80"), Some(("api".into(), Some(80))));
    assert_eq!(service_of("https://api.default"), Some(("api".into(), Some(443))));
    assert_eq!(service_of("api"), Some(("api".into(), None)));
    assert_eq!(service_of("grpc://user@api.default.svc."), Some(("api".into(), None)));
    assert_eq!(service_of("http://api.other.svc:80"), None);
    assert_eq!(service_of("http://web.default.svc:80"), None);
    assert_eq!(service_of("api:eighty"), None);
    assert_eq!(service_of("apis"), None);
}

#[test]
fn an_address_on_a_port_the_service_lacks_is_a_problem() {
    let objects = vec![
        deployment("web", json!([{"name": "API", "value": "api.default.svc:81"}])),
        deployment("api", json!([])),
        service("api"),
    ];
    let report = run(objects);
    assert_eq!(report.problems, ["env API of Deployment/web addresses Service api on port 81, which it does not have"]);
}

#[test]
fn the_namespaces_come_from_the_set_values_then_the_values_file_then_the_chart() {
    let chart = tempfile::tempdir().expect("tempdir");
    let defaults =
        "networkPolicy:\n  ingressControllerNamespace: nginx\nmonitoring:\n  prometheusNamespace: monitoring\n";
    std::fs::write(chart.path().join("values.yaml"), defaults).expect("write");
    let file = chart.path().join("values-prod.yaml");
    std::fs::write(&file, "networkPolicy:\n  ingressControllerNamespace: traefik\n").expect("write");
    let set = json!({"monitoring": {"prometheusNamespace": "observability"}});
    let namespaces = Namespaces::from_values("team", chart.path(), Some(&file), &set);
    assert_eq!(namespaces.release, "team");
    assert_eq!(namespaces.ingress_controller.as_deref(), Some("traefik"));
    assert_eq!(namespaces.monitoring.as_deref(), Some("observability"));
    let namespaces = Namespaces::from_values("team", chart.path(), None, &Value::Null);
    assert_eq!(
        (namespaces.ingress_controller.as_deref(), namespaces.monitoring.as_deref()),
        (Some("nginx"), Some("monitoring"))
    );
    let empty = tempfile::tempdir().expect("tempdir");
    let namespaces = Namespaces::from_values("team", empty.path(), None, &Value::Null);
    assert_eq!((namespaces.ingress_controller, namespaces.monitoring), (None, None));
}

/// An app of a composed chart (`app.kubernetes.io/name`, the values key `ordersApi`) whose
/// policy admits `ingress` and allows `egress`.
fn composed_app(ingress: Value, egress: Value) -> Vec<(String, Value)> {
    let labels = json!({"app.kubernetes.io/name": "orders-api", "app.kubernetes.io/instance": "r"});
    let deployment = json!({
        "kind": "Deployment",
        "metadata": {"name": "r-orders-api"},
        "spec": {"template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "orders-api", "ports": [{"name": "grpc", "containerPort": 50051}]}]}
        }}
    });
    let spec = json!({"podSelector": {"matchLabels": labels}, "policyTypes": ["Ingress", "Egress"], "ingress": ingress, "egress": egress});
    vec![("Deployment/r-orders-api".into(), deployment), policy("r-orders-api", spec)]
}

fn outside_run(objects: Vec<(String, Value)>, values: Value) -> Report {
    let layers = [values];
    let lookup = |pointer: &str| layers.iter().find_map(|layer| layer.pointer(pointer).cloned());
    let namespaces = Namespaces {
        release: "default".into(),
        ingress_controller: None,
        monitoring: None,
        outside: outside::declared_peers(["ordersApi".to_string()].into_iter(), &lookup, "default"),
        peer_services: Vec::new(),
    };
    check(&objects.into_iter().collect(), &namespaces)
}

fn billing_callers() -> Value {
    json!({"apps": {"ordersApi": {"networkPolicy": {"egressSelectors": [], "ingressSelectors": [
        {"namespaceLabels": {"example.com/domain": "billing"}, "podLabels": {}, "ports": [50051]}
    ]}}}})
}

fn collector() -> Value {
    json!({"apps": {"ordersApi": {"networkPolicy": {"ingressSelectors": [], "egressSelectors": [
        {"namespaceLabels": {"kubernetes.io/metadata.name": "observability"}, "podLabels": {"app": "otel"}, "ports": [4317]}
    ]}}}})
}

#[test]
fn a_declared_caller_from_another_namespace_is_admitted_and_nobody_else() {
    let from_billing = json!([{"from": [{"namespaceSelector": {"matchLabels": {"example.com/domain": "billing"}}}], "ports": [{"port": 50051}]}]);
    let report = outside_run(composed_app(from_billing, json!([])), billing_callers());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(
        report.summary.contains("outside the release: 1 declared path(s), 0 of them closed, 0 open"),
        "{}",
        report.summary
    );
    // Without the rule, the declared path is closed, naming the declaration.
    let report = outside_run(composed_app(json!([]), json!([])), billing_callers());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].starts_with(
            "declared path closed: pods {} of namespace reachability-selected-namespace {example.com/domain=billing,"
        ),
        "{}",
        report.problems[0]
    );
    assert!(report.problems[0].contains("-> Deployment/r-orders-api port 50051/TCP (grpc), declared by apps.ordersApi.networkPolicy.ingressSelectors"), "{}", report.problems[0]);
}

#[test]
fn a_rule_admitting_every_namespace_is_an_undeclared_path_from_a_stranger() {
    let from_anywhere = json!([{"from": [{"namespaceSelector": {}}], "ports": [{"port": 50051}]}]);
    let report = outside_run(composed_app(from_anywhere, json!([])), billing_callers());
    let undeclared: Vec<_> = report.problems.iter().filter(|p| p.starts_with("undeclared open path")).collect();
    assert_eq!(undeclared.len(), 1, "{:?}", report.problems);
    assert!(
        undeclared[0].contains("namespace reachability-stranger")
            && undeclared[0].contains("ingress rule 1 of NetworkPolicy/r-orders-api admits it"),
        "{}",
        undeclared[0]
    );
}

#[test]
fn a_declared_call_to_pods_of_another_namespace_is_open_and_only_to_them() {
    let to_collector = json!([{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}, "podSelector": {"matchLabels": {"app": "otel"}}}], "ports": [{"port": 4317}]}]);
    let report = outside_run(composed_app(json!([]), to_collector), collector());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // A rule naming the namespace only admits its other pods too.
    let to_namespace = json!([{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}], "ports": [{"port": 4317}]}]);
    let report = outside_run(composed_app(json!([]), to_namespace), collector());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("Deployment/r-orders-api -> pods {} of namespace observability"),
        "{}",
        report.problems[0]
    );
    // A named port cannot be resolved on pods outside the release: the path stays closed.
    let named = json!([{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "otel"}}}], "ports": [{"port": "otlp"}]}]);
    let report = outside_run(composed_app(json!([]), named), collector());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.starts_with("declared path closed: Deployment/r-orders-api -> pods {app=otel}")),
        "{:?}",
        report.problems
    );
}

/// Values of a chart whose app ordersApi calls app `api` of peer chart `shop` (release
/// `shop`, namespace `shop-prod`), as the composer writes them: `peerCharts` and the app's
/// `egressToPeerApps` (when `egress_declared`).
fn peer_values(egress_declared: bool) -> Value {
    let egress = if egress_declared { json!([{"chart": "shop", "app": "api"}]) } else { json!([]) };
    json!({
        "peerCharts": {"shop": {"chart": "shop", "release": "shop", "namespace": "shop-prod", "apps": {
            "api": {"name": "api", "protocol": "http", "containerPort": 8080, "servicePort": 80, "ports": []}
        }}},
        "apps": {"ordersApi": {"networkPolicy": {"egressSelectors": [], "ingressSelectors": [], "egressToPeerApps": egress}}}
    })
}

/// The composed app (see `composed_app`) holding the address of the peer app's Service.
fn peer_caller(egress: Value) -> Vec<(String, Value)> {
    let mut objects = composed_app(json!([]), egress);
    objects[0].1["spec"]["template"]["spec"]["containers"][0]["env"] =
        json!([{"name": "SHOP_URL", "value": "http://shop-api.shop-prod.svc:80"}]);
    objects
}

fn peer_run(objects: Vec<(String, Value)>, values: Value) -> Report {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let namespaces = Namespaces::from_values("default", dir.path(), None, &values);
    check(&objects.into_iter().collect(), &namespaces)
}

fn to_shop_api() -> Value {
    json!([{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop-prod"}},
                    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "shop"}}}],
            "ports": [{"port": 8080, "protocol": "TCP"}]}])
}

#[test]
fn an_address_of_a_peer_charts_app_is_followed_to_the_egress_rule_toward_its_pods() {
    let report = peer_run(peer_caller(to_shop_api()), peer_values(true));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.matrix.contains("declared by env SHOP_URL of Deployment/r-orders-api (Service shop-api of namespace shop-prod (app api of peer chart shop))"), "{}", report.matrix);
    assert!(report.summary.contains("outside the release: 2 declared path(s), 0 of them closed"), "{}", report.summary);
}

#[test]
fn an_address_of_another_namespaces_service_without_an_egress_rule_fails_naming_the_variable() {
    // The values no longer list the egress (say, overridden), and the policy has no rule.
    let report = peer_run(peer_caller(json!([])), peer_values(false));
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(
        report.problems[0],
        "declared path closed: Deployment/r-orders-api -> pods {app.kubernetes.io/instance=shop,app.kubernetes.io/name=api} \
         of namespace shop-prod {kubernetes.io/metadata.name=shop-prod} port 8080/TCP, declared by env SHOP_URL of \
         Deployment/r-orders-api (Service shop-api of namespace shop-prod (app api of peer chart shop)): \
         NetworkPolicy/r-orders-api select(s) the app's pods and no rule admits the path"
    );
    // A rule toward the namespace on another port does not admit it either.
    let wrong_port = json!([{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop-prod"}}}], "ports": [{"port": 9090}]}]);
    let report = peer_run(peer_caller(wrong_port), peer_values(false));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p
                .starts_with("declared path closed: Deployment/r-orders-api -> pods {app.kubernetes.io/instance=shop")),
        "{:?}",
        report.problems
    );
}

#[test]
fn an_address_of_a_peer_service_port_it_lacks_is_reported() {
    let mut objects = peer_caller(to_shop_api());
    objects[0].1["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = json!("shop-api.shop-prod.svc:8443");
    let report = peer_run(objects, peer_values(true));
    assert!(
        report.problems.iter().any(|p| p == "env SHOP_URL of Deployment/r-orders-api addresses Service shop-api of namespace shop-prod (app api of peer chart shop) on port 8443, which it does not have"),
        "{:?}",
        report.problems
    );
}

#[test]
fn the_summary_counts_declared_closed_and_undeclared_paths_pairs_and_policies() {
    // Three workloads, each denied everything: the one declared path is closed.
    let objects = with(
        web_and_api(),
        [
            deployment("worker", json!([])),
            deny_but("web", json!([]), json!([])),
            deny_but("api", json!([]), json!([])),
            deny_but("worker", json!([]), json!([])),
        ],
    );
    assert_eq!(
        run(objects).summary,
        "1 declared path(s), 1 of them closed; 0 open path(s) nobody declared; 9 pod-to-pod pair(s), 3 NetworkPolicy(ies)"
    );
    // A rule admitting every namespace lets a stranger in, though nothing outside is declared.
    let from_anywhere = json!([{"from": [{"namespaceSelector": {}}], "ports": [{"port": 50051}]}]);
    let report = outside_run(composed_app(from_anywhere, json!([])), json!({}));
    assert_eq!(
        report.summary,
        "0 declared path(s), 0 of them closed; 0 open path(s) nobody declared; 1 pod-to-pod pair(s), 1 NetworkPolicy(ies); \
         outside the release: 0 declared path(s), 0 of them closed, 1 open path(s) nobody declared"
    );
}

#[test]
fn only_a_qualified_address_of_the_peer_service_itself_declares_a_path_to_it() {
    let mut objects = peer_caller(to_shop_api());
    objects[0].1["spec"]["template"]["spec"]["containers"][0]["env"] = json!([
        {"name": "SHOP_URL", "value": "http://shop-api.shop-prod.svc:80"},
        // Another Service of the peer's namespace, and the peer's name without its namespace
        // (a Service of the caller's own namespace): neither is the peer app.
        {"name": "OTHER_URL", "value": "http://shop-web.shop-prod.svc:80"},
        {"name": "LOCAL_URL", "value": "shop-api:80"}
    ]);
    let report = peer_run(objects, peer_values(true));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.summary.contains("outside the release: 2 declared path(s), 0 of them closed"), "{}", report.summary);
    assert!(!report.matrix.contains("OTHER_URL") && !report.matrix.contains("LOCAL_URL"), "{}", report.matrix);
}

#[test]
fn a_scheme_without_a_port_means_its_own_port() {
    let release = Release::read(&web_and_api().into_iter().collect());
    let port_of = |value: &str| addressed_service(value, &release, "default").map(|(_, port)| port);
    assert_eq!(port_of("http://api"), Some(Some(80)));
    assert_eq!(port_of("HTTPS://api.default.svc.cluster.local./x"), Some(Some(443)));
    assert_eq!(port_of("grpc://api.default"), Some(None));
    assert_eq!(port_of("http://api:8080"), Some(Some(8080)));
}

/// An HTTPRoute `edge` of namespace `namespace` (None: unset) attached to `parent`, routing to `backend`.
fn route(namespace: Option<&str>, parent: Value, backend: Value) -> (String, Value) {
    let mut metadata = json!({"name": "edge"});
    if let Some(namespace) = namespace {
        metadata["namespace"] = json!(namespace);
    }
    let spec = json!({"parentRefs": [parent], "rules": [{"backendRefs": [backend]}]});
    ("HTTPRoute/edge".to_string(), json!({"kind": "HTTPRoute", "metadata": metadata, "spec": spec}))
}

/// The problems of api, denied everything, behind `route`.
fn behind_route(route: (String, Value)) -> Vec<String> {
    run(vec![deployment("api", json!([])), service("api"), route, deny_but("api", json!([]), json!([]))]).problems
}

#[test]
fn a_route_without_a_gateway_namespace_comes_from_its_own() {
    let backend = json!({"name": "api", "port": 80});
    for namespace in [None, Some("default")] {
        let problems = behind_route(route(namespace, json!({"name": "shared"}), backend.clone()));
        assert_eq!(problems.len(), 1, "{namespace:?}: {problems:?}");
        assert!(
            problems[0].starts_with(
                "declared path closed: namespace default -> Deployment/api port 8080/TCP (http), declared by HTTPRoute/edge"
            ),
            "{namespace:?}: {}",
            problems[0]
        );
    }
}

#[test]
fn a_route_backend_counts_when_it_is_a_core_service_of_the_routes_namespace() {
    let parent = json!({"name": "shared", "namespace": "gateway-system"});
    let counted = [
        json!({"name": "api", "port": 80, "namespace": "default"}),
        json!({"name": "api", "port": 80, "group": ""}),
        json!({"name": "api", "port": 80, "group": "core", "kind": "Service"}),
    ];
    for backend in counted {
        let problems = behind_route(route(Some("default"), parent.clone(), backend.clone()));
        assert_eq!(problems.len(), 1, "{backend}: {problems:?}");
        assert!(
            problems[0].starts_with("declared path closed: namespace gateway-system -> Deployment/api"),
            "{backend}"
        );
    }
    let skipped = [
        json!({"name": "api", "port": 80, "namespace": "other"}),
        json!({"name": "api", "port": 80, "kind": "Backend"}),
        json!({"name": "api", "port": 80, "kind": "Service", "group": "example.com"}),
    ];
    for backend in skipped {
        assert_eq!(
            behind_route(route(Some("default"), parent.clone(), backend.clone())),
            Vec::<String>::new(),
            "{backend}"
        );
    }
}

#[test]
fn container_ports_keep_their_protocol() {
    let mut objects = vec![deployment("dns", json!([]))];
    objects[0].1["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([
        {"containerPort": 53, "protocol": "UDP"},
        {"containerPort": 3868, "protocol": "SCTP"},
        {"containerPort": 8080}
    ]);
    let release = Release::read(&objects.into_iter().collect());
    let ports: Vec<String> = release.pods[0].ports.iter().map(|p| p.port.to_string()).collect();
    assert_eq!(ports, ["53/UDP", "3868/SCTP", "8080/TCP"]);
}

/// `peerCharts` values with apps `api` and `web-ui` of chart `shop` and app `web-ui` of
/// chart `blog`.
fn two_peer_charts() -> Value {
    json!({"peerCharts": {
        "blog": {"release": "blog", "namespace": "blog-prod", "apps": {
            "webUi": {"name": "web-ui", "containerPort": 3000, "servicePort": 80}
        }},
        "shop": {"release": "shop", "namespace": "shop-prod", "apps": {
            "api": {"name": "api", "containerPort": 8080, "servicePort": 80, "ports": [
                {"servicePort": 9000, "containerPort": 9090},
                {"servicePort": 53, "containerPort": 5353, "protocol": "UDP"},
                {"servicePort": 8443, "containerPort": 8443, "protocol": "TCP"}
            ]},
            "webUi": {"name": "web-ui", "containerPort": 8000, "servicePort": 80}
        }}
    }})
}

fn peer_services_of(values: &Value) -> Vec<outside::PeerService> {
    let lookup = |pointer: &str| values.pointer(pointer).cloned();
    let keys = |pointer: &str| -> BTreeSet<String> {
        values.pointer(pointer).and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k.clone()).collect()
    };
    let apps: BTreeMap<String, BTreeSet<String>> = keys("/peerCharts")
        .into_iter()
        .map(|chart| (chart.clone(), keys(&format!("/peerCharts/{chart}/apps"))))
        .collect();
    outside::peer_services(&apps, &lookup)
}

#[test]
fn a_peer_apps_ports_are_its_tcp_ports() {
    let services = peer_services_of(&two_peer_charts());
    let api = services.iter().find(|s| s.chart == "shop" && s.app == "api").expect("shop's api");
    assert_eq!(api.service, "shop-api");
    assert_eq!(api.ports, [(80, 8080), (9000, 9090), (8443, 8443)]);
}

#[test]
fn egress_to_a_peer_app_names_the_chart_and_the_app() {
    let values = two_peer_charts();
    let services = peer_services_of(&values);
    let lookup = |pointer: &str| {
        json!({"apps": {"ordersApi": {"networkPolicy": {"egressToPeerApps": [{"chart": "shop", "app": "webUi"}]}}}})
            .pointer(pointer)
            .cloned()
    };
    let peers = outside::declared_peer_apps(["ordersApi".to_string()].into_iter(), &lookup, &services);
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].pod.namespace, "shop-prod");
    assert_eq!(peers[0].pod.pod_labels.get("app.kubernetes.io/name").map(String::as_str), Some("web-ui"));
    assert_eq!(peers[0].ports, [8000]);
}

#[test]
fn a_declared_peer_without_namespace_labels_is_of_the_release_namespace() {
    let values = json!({"apps": {"ordersApi": {"networkPolicy": {"ingressSelectors": [
        {"podLabels": {"app": "batch"}, "ports": [50051]},
        {"namespaceLabels": {"team": "data"}, "podLabels": {"app": "batch"}, "ports": [50051]}
    ]}}}});
    let lookup = |pointer: &str| values.pointer(pointer).cloned();
    let peers = outside::declared_peers(["ordersApi".to_string()].into_iter(), &lookup, "default");
    let namespaces: Vec<&str> = peers.iter().map(|p| p.pod.namespace.as_str()).collect();
    assert_eq!(namespaces, ["default", "reachability-selected-namespace"]);
    assert_eq!(peers[0].pod.namespace_labels, evaluate::namespace_labels("default"));
}

#[test]
fn a_closed_outside_path_is_counted_in_the_summary() {
    let report = outside_run(composed_app(json!([]), json!([])), billing_callers());
    assert!(
        report
            .summary
            .ends_with("; outside the release: 1 declared path(s), 1 of them closed, 0 open path(s) nobody declared"),
        "{}",
        report.summary
    );
}

#[test]
fn a_stranger_is_probed_on_named_container_ports_and_on_rule_ports() {
    // A named rule port resolves to the container port 50051.
    let named = json!([{"from": [{"namespaceSelector": {}}], "ports": [{"port": "grpc"}]}]);
    let report = outside_run(composed_app(named, json!([])), json!({}));
    assert_eq!(
        report.problems,
        ["undeclared open path: pods {} of namespace reachability-stranger {kubernetes.io/metadata.name=reachability-stranger} \
          -> Deployment/r-orders-api port 50051/TCP (grpc): ingress rule 1 of NetworkPolicy/r-orders-api admits it"]
    );
    // A numbered rule port that is no container port of the release.
    let egress = json!([{"to": [{"namespaceSelector": {}}], "ports": [{"port": 9090}]}]);
    let report = outside_run(composed_app(json!([]), egress), json!({}));
    assert_eq!(
        report.problems,
        ["undeclared open path: Deployment/r-orders-api -> pods {} of namespace reachability-stranger \
          {kubernetes.io/metadata.name=reachability-stranger} port 9090/TCP: egress rule 1 of NetworkPolicy/r-orders-api admits it"]
    );
}

#[test]
fn a_peer_with_a_namespace_selector_declares_no_path() {
    // worker -> api is open at both ends, but each rule names the pods through a namespace
    // selector too: the chart's rules never do, so nobody declared it.
    let in_default = |app: &str| json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "default"}}, "podSelector": {"matchLabels": {"app": app}}});
    let objects = with(
        web_and_api(),
        [
            deployment("worker", json!([])),
            deny_but("web", json!([]), json!([to_app("api", json!(8080))])),
            deny_but(
                "api",
                json!([from_app("web", json!(8080)), {"from": [in_default("worker")], "ports": [{"port": 8080}]}]),
                json!([]),
            ),
            deny_but("worker", json!([]), json!([{"to": [in_default("api")], "ports": [{"port": 8080}]}])),
        ],
    );
    assert_eq!(
        run(objects).problems,
        ["undeclared open path: Deployment/worker -> Deployment/api port 8080/TCP (http): egress rule 1 of NetworkPolicy/worker \
          admits it; ingress rule 2 of NetworkPolicy/api admits it"]
    );
}

#[test]
fn a_policy_restricts_only_the_directions_its_policy_types_name() {
    // Ingress-only policies on both: each one's egress stays open, so both declared paths are
    // open (web calls api, api calls web back).
    let objects = vec![
        deployment("web", json!([{"name": "API_URL", "value": "http://api.default.svc:80"}])),
        deployment("api", json!([{"name": "WEB_URL", "value": "http://web.default.svc:80"}])),
        service("api"),
        service("web"),
        policy(
            "api",
            json!({"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": ["Ingress"], "ingress": [from_app("web", json!(8080))]}),
        ),
        policy(
            "web",
            json!({"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"], "ingress": [from_app("api", json!(8080))]}),
        ),
    ];
    let report = run(objects);
    assert_eq!(report.problems, Vec::<String>::new());
    assert!(report.summary.starts_with("2 declared path(s), 0 of them closed; 0 open path(s)"), "{}", report.summary);
}

#[test]
fn a_declared_outside_peer_reaches_its_own_apps_pods_only() {
    let from_billing = json!([{"from": [{"namespaceSelector": {"matchLabels": {"example.com/domain": "billing"}}}], "ports": [{"port": 50051}]}]);
    let mut objects = composed_app(from_billing, json!([]));
    let labels = json!({"app.kubernetes.io/name": "worker", "app.kubernetes.io/instance": "r"});
    objects.push((
        "Deployment/r-worker".into(),
        json!({"kind": "Deployment", "metadata": {"name": "r-worker"}, "spec": {"template": {
            "metadata": {"labels": labels}, "spec": {"containers": [{"name": "worker"}]}
        }}}),
    ));
    let report = outside_run(objects, billing_callers());
    assert!(
        report
            .summary
            .ends_with("; outside the release: 1 declared path(s), 0 of them closed, 0 open path(s) nobody declared"),
        "{}",
        report.summary
    );
}
