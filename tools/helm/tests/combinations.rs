//! Every combination that composes, validates (issue 20). Charts are composed from
//! combinations of every app type, every environment setting and every chart setting (the
//! factors below); each is linted (strict), rendered and validated by the real validator
//! (Kubernetes and CRD schemas, policy checks) with its defaults and with every
//! values-<env>.yaml it has, then rendered once more here for what the validator does not
//! check: that a hook Job finds everything it needs created before it, and that config files
//! arrive exactly.
//!
//! The combinations cover every pair of levels of any two factors: a covering array of
//! strength 2 from the small deterministic greedy generator below. A failure names its
//! combination. More:
//! - `COMBINATION_STRENGTH=3` covers every triple of levels (148 charts, about 5 minutes on 2
//!   cores; give Bazel `--test_timeout=1800`);
//! - `COMBINATIONS=<text>` runs only the combinations whose name contains the text, e.g.
//!   `COMBINATIONS='apps=job '` (the name is `factor=level` pairs joined by spaces);
//! - under Bazel pass them with `--test_env`, e.g.
//!   `tools/bazel test //tools/helm:combinations_test --test_env=COMBINATION_STRENGTH=3`.
//!
//! Bazel passes every input (see BUILD.bazel). Under cargo, name them from a built workspace:
//! `eval "$(tools/validator/test_env.sh)"` and `VALIDATOR=<path of chart_validator>`.

#[path = "support/paths.rs"]
mod paths;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use helm_composer::error::ComposeError;
use helm_composer::model::{ChartSpec, IngressMode, ResourcePreset, SubchartSpec};
use helm_composer::render::Renderer;
use helm_composer::subchart::{self, Subchart};
use helm_composer::{compose_files, load_apps, output, plan};
use helm_sdk::{Chart, HelmSdk, RenderOptions};
use paths::{helm_library, package_dir};
use serde_json::{json, Value};

/// One way a chart can differ, and the ways it can.
struct Factor {
    name: &'static str,
    levels: &'static [&'static str],
}

/// Every factor. `apps` is the app types the chart has (one app each); the other app
/// factors apply to whichever apps are there, the environment factors to every environment.
const FACTORS: &[Factor] = &[
    Factor {
        name: "apps",
        levels: &["external-api", "internal-api", "worker", "job", "cronjob", "stateful", "daemon", "all"],
    },
    // minimal: only what the type requires; rich: most optional fields (config files,
    // metrics, sibling addresses and egress to the other apps, hooks with weights,
    // exceptions, named TCP and UDP ports); variant: the other choices (grpc/tcp ports, tcp
    // probes, a plain Job, a digest, autoscaling on by default, a worker without probes, a
    // NodePort Service with its reason, a daemon without probes).
    Factor { name: "features", levels: &["minimal", "rich", "variant"] },
    // KEDA triggers on the Deployment apps: none, declared (off), switched on by the
    // environments.
    Factor { name: "keda", levels: &["none", "declared", "on"] },
    Factor { name: "autoscaling", levels: &["off", "on"] },
    Factor { name: "replicas", levels: &["default", "set"] },
    Factor { name: "preset", levels: &["none", "environment", "per-app", "chart"] },
    // one: the first of api, db, web, worker, migrate, report the chart has (with the apps
    // that address it, which the composer requires).
    Factor { name: "disabled", levels: &["none", "one", "all"] },
    Factor { name: "image_tags", levels: &["none", "set"] },
    Factor { name: "app_env", levels: &["none", "set"] },
    Factor { name: "access", levels: &["none", "groups"] },
    Factor { name: "network_policy", levels: &["on", "off"] },
    Factor { name: "clusters", levels: &["none", "own", "shared"] },
    Factor { name: "environments", levels: &["one", "two"] },
    Factor { name: "ingress_mode", levels: &["single", "per-app"] },
    Factor { name: "hosts", levels: &["explicit", "pattern", "pattern-domain"] },
    Factor { name: "tls", levels: &["none", "on", "off-in-env"] },
    Factor { name: "chart_env", levels: &["none", "set"] },
    Factor { name: "subchart", levels: &["none", "composed"] },
];

/// The app of each type, in the order `disabled = one` picks from.
const APPS: [(&str, &str); 7] = [
    ("internal-api", "api"),
    ("stateful", "db"),
    ("external-api", "web"),
    ("worker", "worker"),
    ("job", "migrate"),
    ("cronjob", "report"),
    ("daemon", "agent"),
];

/// A config file's content that only arrives exactly if nothing on the way reads it: CRLF, a
/// tab, template and YAML syntax, U+FEFF inside (at the start Helm strips it: refused), no
/// final line break.
const CONFIG_FILE: &str = "a = 1\r\nb: \"{{ .Values }}\" # not a comment\n\ttab\u{feff}\n---\n{ x: [1, 2] }";

/// What the checks of the renders looked at, and how many times.
type Seen = BTreeMap<String, usize>;

/// A level for each factor.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Combination(Vec<usize>);

impl Combination {
    fn level(&self, factor: &str) -> &'static str {
        let index = FACTORS.iter().position(|f| f.name == factor).unwrap_or_else(|| panic!("no factor {factor}"));
        FACTORS[index].levels[self.0[index]]
    }

    fn is(&self, factor: &str, level: &str) -> bool {
        self.level(factor) == level
    }

    /// `factor=level` for every factor, joined by spaces (and a space at the end, so a
    /// `COMBINATIONS` filter can match a whole level).
    fn name(&self) -> String {
        FACTORS.iter().zip(&self.0).map(|(f, l)| format!("{}={} ", f.name, f.levels[*l])).collect()
    }

    /// (type, name) of the chart's apps.
    fn apps(&self) -> Vec<(&'static str, &'static str)> {
        let wanted = self.level("apps");
        APPS.iter().copied().filter(|(t, _)| wanted == "all" || *t == wanted).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Covering arrays

/// splitmix64: a small deterministic generator, so the combinations never change between
/// runs (a failure is reproduced by its name).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every `strength`-element subset of `0..n`, in lexicographic order.
fn subsets(n: usize, strength: usize) -> Vec<Vec<usize>> {
    let mut all = Vec::new();
    let mut current = Vec::new();
    fn extend(start: usize, n: usize, strength: usize, current: &mut Vec<usize>, all: &mut Vec<Vec<usize>>) {
        if current.len() == strength {
            all.push(current.clone());
            return;
        }
        for i in start..n {
            current.push(i);
            extend(i + 1, n, strength, current, all);
            current.pop();
        }
    }
    extend(0, n, strength, &mut current, &mut all);
    all
}

/// Rows of levels (one per factor of `levels`, the number of levels of each) in which every
/// combination of levels of any `strength` factors occurs at least once. Greedy (as AETG):
/// each row starts from the first tuple not yet covered and gives every other factor the
/// level that covers most new tuples; of a few such candidates the best is kept.
fn covering_array(levels: &[usize], strength: usize) -> Vec<Vec<usize>> {
    const CANDIDATES: usize = 24;
    let strength = strength.min(levels.len());
    let subsets = subsets(levels.len(), strength);
    // A tuple: its subset's index and its levels.
    let mut uncovered: BTreeSet<(usize, Vec<usize>)> = BTreeSet::new();
    for (index, subset) in subsets.iter().enumerate() {
        let count: usize = subset.iter().map(|f| levels[*f]).product();
        for code in 0..count {
            // The code's digits, the last factor's changing fastest.
            let mut rest = code;
            let mut tuple: Vec<usize> = subset
                .iter()
                .rev()
                .map(|f| {
                    let level = rest % levels[*f];
                    rest /= levels[*f];
                    level
                })
                .collect();
            tuple.reverse();
            uncovered.insert((index, tuple));
        }
    }
    let by_factor: Vec<Vec<usize>> =
        (0..levels.len()).map(|f| (0..subsets.len()).filter(|s| subsets[*s].contains(&f)).collect()).collect();
    // New tuples of `subset` that `row` covers (each factor of it set).
    let covers = |row: &[Option<usize>], subset: usize, uncovered: &BTreeSet<(usize, Vec<usize>)>| -> bool {
        let tuple: Option<Vec<usize>> = subsets[subset].iter().map(|f| row[*f]).collect();
        tuple.is_some_and(|t| uncovered.contains(&(subset, t)))
    };
    let mut rng = Rng(20);
    let mut rows = Vec::new();
    while let Some((first_subset, first_tuple)) = uncovered.iter().next().cloned() {
        let mut best: Option<(usize, Vec<usize>)> = None;
        for _ in 0..CANDIDATES {
            let mut row: Vec<Option<usize>> = vec![None; levels.len()];
            for (factor, level) in subsets[first_subset].iter().zip(&first_tuple) {
                row[*factor] = Some(*level);
            }
            let mut order: Vec<usize> = (0..levels.len()).filter(|f| row[*f].is_none()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
            for factor in order {
                let start = rng.below(levels[factor]);
                let (level, _) = (0..levels[factor])
                    .map(|offset| (start + offset) % levels[factor])
                    .map(|level| {
                        row[factor] = Some(level);
                        let gained = by_factor[factor].iter().filter(|s| covers(&row, **s, &uncovered)).count();
                        (level, gained)
                    })
                    .fold((start, 0), |best, next| if next.1 > best.1 { next } else { best });
                row[factor] = Some(level);
            }
            let row: Vec<usize> = row.into_iter().map(|l| l.unwrap_or(0)).collect();
            let full: Vec<Option<usize>> = row.iter().map(|l| Some(*l)).collect();
            let gained = (0..subsets.len()).filter(|s| covers(&full, *s, &uncovered)).count();
            if best.as_ref().is_none_or(|(most, _)| gained > *most) {
                best = Some((gained, row));
            }
        }
        let (_, row) = best.expect("a candidate");
        for (index, subset) in subsets.iter().enumerate() {
            uncovered.remove(&(index, subset.iter().map(|f| row[*f]).collect()));
        }
        rows.push(row);
    }
    rows
}

#[test]
fn the_covering_array_covers_every_pair_and_triple() {
    for (levels, strength) in [(vec![7, 3, 3, 2, 4, 2, 3], 2), (vec![3, 2, 4, 2, 3], 3), (vec![2, 2], 2)] {
        let rows = covering_array(&levels, strength);
        for subset in subsets(levels.len(), strength) {
            let seen: HashSet<Vec<usize>> = rows.iter().map(|r| subset.iter().map(|f| r[*f]).collect()).collect();
            let all: usize = subset.iter().map(|f| levels[*f]).product();
            assert_eq!(seen.len(), all, "{levels:?} strength {strength}: subset {subset:?}");
        }
        assert_eq!(rows, covering_array(&levels, strength), "deterministic");
    }
}

/// The combinations this run checks.
fn combinations() -> Vec<Combination> {
    let strength = match std::env::var("COMBINATION_STRENGTH") {
        Ok(value) => value.parse().unwrap_or_else(|_| panic!("COMBINATION_STRENGTH={value:?} is not a number")),
        Err(_) => 2,
    };
    let levels: Vec<usize> = FACTORS.iter().map(|f| f.levels.len()).collect();
    let filter = std::env::var("COMBINATIONS").unwrap_or_default();
    covering_array(&levels, strength).into_iter().map(Combination).filter(|c| c.name().contains(&filter)).collect()
}

// ---------------------------------------------------------------------------------------
// What a combination composes

/// The metadata of the app `name` of type `app_type` in the combination.
fn app_metadata(c: &Combination, app_type: &str, name: &str, config_file: &Path) -> Value {
    let present: Vec<&str> = c.apps().into_iter().map(|(_, n)| n).collect();
    let has = |app: &str| present.contains(&app);
    let features = c.level("features");
    let (rich, variant) = (features == "rich", features == "variant");
    let mut app = json!({
        "name": name, "target": format!("//combo:{name}_metadata"), "app_type": app_type,
        "image": {"repository": format!("ghcr.io/example/{name}"), "tag": "1.0.0"}
    });
    let object = app.as_object_mut().expect("an object");
    let mut set = |key: &str, value: Value| {
        object.insert(key.into(), value);
    };
    let file_config =
        |mount: &str| json!({"data": {"MODE": "fast"}, "files": {"settings.conf": config_file}, "mount_path": mount});
    let deployment = matches!(app_type, "external-api" | "internal-api" | "worker");
    match (app_type, features) {
        ("external-api", _) => {
            set("port", json!(8080));
            let mut ingress = json!({"path": if variant { "/web" } else { "/" }});
            if c.is("hosts", "explicit") {
                ingress["host"] = json!("web.example.com");
            }
            if !c.is("tls", "none") {
                ingress["tls_secret"] = json!("web-tls");
            }
            if rich {
                ingress["annotations"] = json!({"nginx.ingress.kubernetes.io/proxy-body-size": "8m"});
                set("health", json!({"liveness_path": "/live", "readiness_path": "/ready"}));
                set("metrics", json!({"port": 9090, "path": "/metrics", "interval": "15s"}));
                set("config", file_config("/etc/web"));
                set("secret_env", json!({"DB_PASSWORD": "db-credentials/password"}));
                set("env", json!({"LOG_LEVEL": "debug"}));
                set("env_from_secrets", json!(["shared-secret"]));
                set("cluster_env", json!({"POD_NAME": "pod-name", "CPU_LIMIT": "cpu-limit"}));
                set("pdb", json!({"min_available": "1"}));
                set("resources", json!({"cpu_request": "200m", "memory_limit": "1Gi"}));
                set("sync_wave", json!(2));
                set("version", json!("2.0.0+build.1"));
                set("security", json!({"writable_paths": ["/var/cache/web"]}));
                set("policy_exceptions", json!({"read-only-root-filesystem": "the server writes its page cache"}));
                let mut policy = json!({"egress_cidrs": ["10.0.0.0/8:5432"]});
                if has("api") {
                    policy["egress_to_apps"] = json!(["api"]);
                    set("sibling_env", json!([{"env": "API_ADDR", "app": "api", "form": "host-port"}]));
                }
                set("network_policy", policy);
            }
            if variant {
                set("service_port", json!(8080));
                set("health", json!({"probe": "tcp"}));
                set(
                    "autoscaling",
                    json!({"enabled": true, "min_replicas": 2, "max_replicas": 4,
                                          "target_memory_utilization": 70}),
                );
                set("resources", json!({"preset": "large"}));
                set("replicas", json!(3));
            }
            set("ingress", ingress);
        }
        ("internal-api", "minimal") => set("port", json!(9000)),
        ("internal-api", "rich") => {
            set("port", json!(50051));
            set("protocol", json!("grpc"));
            set(
                "ports",
                json!([{"name": "admin", "port": 8081, "app_protocol": "http"},
                       {"name": "gossip", "port": 7946, "protocol": "UDP", "service_port": 7000}]),
            );
            set("metrics", json!({"port": 9090}));
            set("config", json!({"data": {"MODE": "fast", "REGION": "eu"}}));
            let mut ingress = json!({"enabled": true, "path": "/"});
            if c.is("hosts", "explicit") {
                ingress["host"] = json!("api.example.com");
            }
            if !c.is("tls", "none") {
                ingress["tls_secret"] = json!("api-tls");
            }
            set("ingress", ingress);
            let callers: Vec<&str> = ["web", "worker"].into_iter().filter(|a| has(a)).collect();
            set("network_policy", json!({"allow_from_apps": callers}));
        }
        ("internal-api", _) => {
            set("port", json!(9000));
            set("protocol", json!("tcp"));
            set("ports", json!([{"name": "raft", "port": 9001, "node_port": 30901}]));
            set("service", json!({"type": "NodePort", "reason": "peers in another cluster", "node_port": 30900}));
            set("service_port", json!(7000));
            set("pdb", json!({"max_unavailable": "50%"}));
            set("replicas", json!(4));
        }
        ("worker", "minimal") => set("health", json!({"command": ["worker", "health"]})),
        ("worker", "rich") => {
            set("port", json!(8081));
            set("health", json!({"port": 8081, "liveness_path": "/live", "readiness_path": "/ready"}));
            set("metrics", json!({"port": 8081}));
            let mut siblings = Vec::new();
            let mut egress = Vec::new();
            for (app, form) in [("api", "host-port"), ("db", "host"), ("web", "url")] {
                if has(app) {
                    siblings.push(json!({"env": format!("{}_ADDR", app.to_uppercase()), "app": app, "form": form}));
                    egress.push(app);
                }
            }
            set("sibling_env", json!(siblings));
            set("network_policy", json!({"egress_to_apps": egress}));
            set(
                "cluster_env",
                json!({"POD_NAME": "pod-name", "POD_NAMESPACE": "pod-namespace", "NODE_NAME": "node-name",
                                      "POD_IP": "pod-ip", "CPU_REQUEST": "cpu-request", "MEMORY_LIMIT": "memory-limit",
                                      "RELEASE": "release-name", "CHART": "chart-name"}),
            );
            set("env_from_configmaps", json!(["shared-config"]));
            set("secret_mounts", json!({"/etc/tls": "worker-tls"}));
        }
        ("worker", _) => {
            set("policy_exceptions", json!({"probes": "reads a queue and serves nothing to check"}));
            set("security", json!({"run_as_user": 20000}));
            set("autoscaling", json!({"max_replicas": 3}));
        }
        ("job", "minimal") => {}
        ("job", "rich") => {
            set("command", json!(["migrate", "up"]));
            set("config", file_config("/etc/migrate"));
            set(
                "job",
                json!({"hook": "pre-install,pre-upgrade,post-install", "hook_weight": 3, "keep_finished": true,
                              "active_deadline_seconds": 600, "backoff_limit": 1}),
            );
            set("secret_env", json!({"DB_PASSWORD": "db-credentials/password"}));
            if has("db") {
                set("sibling_env", json!([{"env": "DB_HOST", "app": "db", "form": "host"}]));
                set("network_policy", json!({"egress_to_apps": ["db"]}));
            }
        }
        ("job", _) => {
            set("job", json!({"hook": "none", "ttl_seconds_after_finished": 60}));
            set("config", json!({"data": {"MODE": "batch"}}));
            set(
                "image",
                json!({"repository": "ghcr.io/example/migrate", "digest": format!("sha256:{}", "ab".repeat(32))}),
            );
        }
        ("cronjob", "minimal") => set("cron", json!({"schedule": "0 3 * * *"})),
        ("cronjob", "rich") => {
            set(
                "cron",
                json!({"schedule": "@hourly", "concurrency_policy": "Replace", "starting_deadline_seconds": 60,
                               "successful_jobs_history_limit": 1, "failed_jobs_history_limit": 5}),
            );
            set("config", file_config("/etc/report"));
            if has("web") {
                set("sibling_env", json!([{"env": "WEB_URL", "app": "web"}]));
            }
        }
        ("cronjob", _) => {
            set("cron", json!({"schedule": "*/5 * * * *", "concurrency_policy": "Allow"}));
            set("job", json!({"backoff_limit": 0, "keep_finished": true}));
        }
        ("stateful", "minimal") => {
            set("port", json!(5432));
            set("protocol", json!("tcp"));
            set("storage", json!({"size": "1Gi", "mount_path": "/data"}));
        }
        ("stateful", "rich") => {
            set("port", json!(5432));
            set("protocol", json!("tcp"));
            set("storage", json!({"size": "1Gi", "mount_path": "/data", "class": "standard"}));
            set("config", file_config("/etc/db"));
            set("security", json!({"run_as_user": 999}));
            set("policy_exceptions", json!({"run-as-user": "the image's postgres user is 999"}));
            set("pdb", json!({"max_unavailable": "1"}));
            set("replicas", json!(3));
            let clients: Vec<&str> = ["migrate", "worker"].into_iter().filter(|a| has(a)).collect();
            set("network_policy", json!({"allow_from_apps": clients}));
        }
        ("stateful", _) => {
            set("port", json!(8080));
            set("health", json!({"liveness_path": "/live", "readiness_path": "/ready"}));
            set("storage", json!({"size": "10Gi", "mount_path": "/var/lib/db"}));
            set("security", json!({"writable_root_filesystem": true}));
            set("policy_exceptions", json!({"read-only-root-filesystem": "the server writes beside its binary"}));
        }
        ("daemon", "minimal") => set("health", json!({"command": ["agent", "health"]})),
        ("daemon", "rich") => {
            set("port", json!(9100));
            set("health", json!({"probe": "http", "liveness_path": "/live", "readiness_path": "/ready"}));
            set("metrics", json!({"port": 9100}));
            set("daemon", json!({"max_unavailable": "10%"}));
            set("config", file_config("/etc/agent"));
            set("cluster_env", json!({"NODE_NAME": "node-name"}));
            set(
                "scheduling",
                json!({"node_affinity": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}],
                       "tolerations": [{"operator": "Exists"}]}),
            );
            if has("api") {
                set("sibling_env", json!([{"env": "API_ADDR", "app": "api", "form": "host-port"}]));
            }
        }
        ("daemon", _) => {
            set("policy_exceptions", json!({"probes": "tails node logs and serves nothing to check"}));
            set("security", json!({"run_as_user": 20000}));
            set("daemon", json!({"max_unavailable": "2"}));
        }
        (other, _) => panic!("no app of type {other}"),
    }
    if deployment && !c.is("keda", "none") {
        set(
            "keda",
            json!({"max_replicas": 6, "triggers": [{"type": "cron", "metadata": {
                "timezone": "UTC", "start": "0 8 * * *", "end": "0 18 * * *", "desiredReplicas": "3"}}]}),
        );
    }
    app
}

/// The environment `name` of the combination.
fn environment(c: &Combination, name: &str) -> Value {
    let apps = c.apps();
    let names =
        |keep: &dyn Fn(&str) -> bool| -> Vec<&str> { apps.iter().filter(|(t, _)| keep(t)).map(|(_, n)| *n).collect() };
    let deployments = names(&|t| matches!(t, "external-api" | "internal-api" | "worker"));
    let keda: Vec<&str> = if c.is("keda", "on") { deployments.clone() } else { Vec::new() };
    let mut env = json!({"name": name, "target": format!("//combo:{name}")});
    if c.is("replicas", "set") {
        env["replicas"] = names(&|t| !matches!(t, "job" | "cronjob" | "daemon"))
            .into_iter()
            .map(|n| (n.to_string(), json!(3)))
            .collect();
    }
    if c.is("autoscaling", "on") {
        env["autoscaling"] = json!(deployments.iter().filter(|n| !keda.contains(n)).collect::<Vec<_>>());
    }
    env["keda"] = json!(keda);
    match c.level("preset") {
        "environment" | "chart" => env["resource_preset"] = json!("medium"),
        "per-app" => env["app_resource_presets"] = apps.iter().map(|(_, n)| (n.to_string(), json!("large"))).collect(),
        _ => {}
    }
    match c.level("disabled") {
        "one" => {
            // With the apps that address it, and theirs: an environment may not leave a
            // caller on.
            let addressed = |(t, n): &(&str, &str), off: &[&str]| {
                let metadata = app_metadata(c, t, n, Path::new("settings.conf"));
                metadata["sibling_env"].as_array().into_iter().flatten().any(|s| off.iter().any(|o| s["app"] == *o))
            };
            let mut off = vec![apps[0].1];
            while let Some(caller) = apps.iter().find(|a| !off.contains(&a.1) && addressed(a, &off)) {
                off.push(caller.1);
            }
            env["disabled_apps"] = json!(off);
        }
        "all" => env["disabled_apps"] = json!(names(&|_| true)),
        _ => {}
    }
    if c.is("image_tags", "set") {
        let digest = c.is("features", "variant");
        env["image_tags"] =
            names(&|t| !(digest && t == "job")).into_iter().map(|n| (n.to_string(), json!("1.1.0-rc.1"))).collect();
    }
    if c.is("app_env", "set") {
        env["env"] = json!({"LOG_LEVEL": "warn", "OTEL_EXPORTER_OTLP_ENDPOINT": format!("http://otel.{name}:4317")});
    }
    if c.is("access", "groups") {
        env["access"] = json!({"view": ["developers"], "edit": ["sre"], "admin": ["platform admins"]});
    }
    env["network_policy"] = json!(c.is("network_policy", "on"));
    match c.level("clusters") {
        "own" => {
            env["cluster"] = json!(format!("{name}-cluster"));
            env["namespace"] = json!(format!("combo-{name}"));
        }
        "shared" => {
            env["cluster"] = json!("shared-1");
            env["namespace"] = json!(format!("combo-{name}"));
        }
        _ => {}
    }
    env["ingress_tls"] = json!(!c.is("tls", "off-in-env"));
    if c.is("hosts", "pattern-domain") {
        env["ingress_domain"] = json!(format!("{name}.example.com"));
    }
    env
}

fn chart_spec(c: &Combination, name: &str) -> ChartSpec {
    let (pattern, domain) = match c.level("hosts") {
        "pattern" => ("{app}.example.com", ""),
        "pattern-domain" => ("{app}.{domain}", "example.com"),
        _ => ("", ""),
    };
    ChartSpec {
        name: name.into(),
        version: "1.0.0".into(),
        app_version: "1.0.0".into(),
        description: "A combination of the composer's features".into(),
        namespace: String::new(),
        environment: "dev".into(),
        ingress_mode: if c.is("ingress_mode", "per-app") { IngressMode::PerApp } else { IngressMode::Single },
        resource_preset: c.is("preset", "chart").then_some(ResourcePreset::Small),
        env: if c.is("chart_env", "set") {
            [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"), ("LOG_LEVEL", "info")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        } else {
            BTreeMap::new()
        },
        ingress_host_pattern: pattern.into(),
        ingress_domain: domain.into(),
        kubernetes_versions: Vec::new(),
        routing: Default::default(),
        peer_charts: Vec::new(),
        image_pull_secrets: Vec::new(),
    }
}

/// The environment names of the combination.
fn environment_names(c: &Combination) -> Vec<&'static str> {
    if c.is("environments", "two") {
        vec!["prod", "dev"]
    } else {
        vec!["prod"]
    }
}

// ---------------------------------------------------------------------------------------
// Running one combination

/// What the validator needs, from the environment (Bazel's runfiles paths, or a workspace's).
struct Inputs {
    validator: PathBuf,
    library: PathBuf,
    schemas: PathBuf,
    node: PathBuf,
    crd_script: PathBuf,
    crd_models: PathBuf,
    templates: PathBuf,
}

/// An input named by an environment variable: a path (absolute, or relative to the test's
/// working directory, as Bazel's rootpath is).
fn input(variable: &str) -> PathBuf {
    let Some(value) = std::env::var_os(variable) else {
        panic!(
            "{variable} is not set: this test runs the validator with the real Helm and schemas. Under cargo run \
             `eval \"$(tools/validator/test_env.sh)\"` and set VALIDATOR to a built chart_validator first."
        )
    };
    std::env::current_dir().expect("working directory").join(value)
}

/// The directory holding `file` (a path relative to it) named by a variable.
fn dir_of(variable: &str, file: &str) -> PathBuf {
    let path = input(variable);
    assert!(path.ends_with(file), "{variable} names {}, not a {file}", path.display());
    path.ancestors().nth(Path::new(file).components().count()).expect("a parent").to_path_buf()
}

impl Inputs {
    fn from_env() -> Inputs {
        Inputs {
            validator: input("VALIDATOR"),
            library: helm_library(),
            schemas: dir_of("KUBERNETES_SCHEMAS", "_definitions.json"),
            node: input("NODE"),
            crd_script: input("CRD_SCRIPT"),
            crd_models: dir_of("CRD_MODELS", "@kubernetes-models/keda/package.json"),
            templates: package_dir().join("templates"),
        }
    }
}

/// One thread's tools: Helm and the compiled templates.
struct Worker<'a> {
    inputs: &'a Inputs,
    sdk: HelmSdk,
    renderer: Renderer,
}

impl Worker<'_> {
    /// Composes, validates and checks one combination: what the checks of the renders saw,
    /// or what failed.
    fn run(&self, c: &Combination) -> Result<Seen, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let chart = self.compose(c, dir.path()).map_err(|e| format!("the composer refused it: {e}"))?;
        self.validate(&chart, dir.path())?;
        self.check_rendered(c, &chart)
    }

    /// Composes the combination's chart into `dir/combo`.
    fn compose(&self, c: &Combination, dir: &Path) -> Result<PathBuf, ComposeError> {
        let config_file = dir.join("settings.conf");
        fs::write(&config_file, CONFIG_FILE).map_err(|e| ComposeError::io(&config_file, e))?;
        let write = |name: String, value: &Value| -> PathBuf {
            let file = dir.join(name);
            fs::write(&file, value.to_string()).expect("input written");
            file
        };
        let metadata: Vec<PathBuf> = c
            .apps()
            .into_iter()
            .map(|(app_type, name)| write(format!("{name}.json"), &app_metadata(c, app_type, name, &config_file)))
            .collect();
        let environments: Vec<PathBuf> = environment_names(c)
            .into_iter()
            .map(|name| write(format!("env-{name}.json"), &environment(c, name)))
            .collect();
        let subcharts = if c.is("subchart", "composed") { vec![self.subchart(c, dir)?] } else { Vec::new() };
        let chart =
            plan::compose(&chart_spec(c, "combo"), load_apps(&metadata)?, &environments, &subcharts, &self.renderer)?;
        let out = dir.join("combo");
        output::write_chart(&chart, &out)?;
        Ok(out)
    }

    /// A composed subchart with a job and an API, with the combination's environments
    /// (which change the API's replicas only).
    fn subchart(&self, c: &Combination, dir: &Path) -> Result<Subchart, ComposeError> {
        let sub = dir.join("sub");
        fs::create_dir_all(&sub).map_err(|e| ComposeError::io(&sub, e))?;
        let apps = [
            json!({"name": "sub-api", "target": "//combo:sub_api_metadata", "app_type": "internal-api",
                   "image": {"repository": "ghcr.io/example/sub-api", "tag": "1.0.0"}, "port": 8080}),
            json!({"name": "sub-migrate", "target": "//combo:sub_migrate_metadata", "app_type": "job",
                   "image": {"repository": "ghcr.io/example/sub-migrate", "tag": "1.0.0"}}),
        ];
        let mut metadata = Vec::new();
        for app in &apps {
            let file = sub.join(format!("{}.json", app["name"].as_str().unwrap_or("app")));
            fs::write(&file, app.to_string()).map_err(|e| ComposeError::io(&file, e))?;
            metadata.push(file);
        }
        let mut environments = Vec::new();
        for name in environment_names(c) {
            let file = sub.join(format!("env-{name}.json"));
            let env = json!({"name": name, "replicas": {"sub-api": 3}});
            fs::write(&file, env.to_string()).map_err(|e| ComposeError::io(&file, e))?;
            environments.push(file);
        }
        let chart = compose_files(&chart_spec(c, "sub"), &metadata, &environments, &self.inputs.templates)?;
        let out = sub.join("chart");
        output::write_chart(&chart, &out)?;
        let spec = SubchartSpec { target: "//combo:sub".into(), path: out.display().to_string(), ..Default::default() };
        subchart::load(&self.sdk, &spec)
    }

    /// The validator on the chart, with its defaults and every environment.
    fn validate(&self, chart: &Path, scratch: &Path) -> Result<(), String> {
        let inputs = self.inputs;
        let output = Command::new(&inputs.validator)
            .arg("--chart")
            .arg(chart)
            .arg("--schemas")
            .arg(&inputs.schemas)
            .arg("--node")
            .arg(&inputs.node)
            .arg("--crd-script")
            .arg(&inputs.crd_script)
            .arg("--crd-models")
            .arg(&inputs.crd_models)
            .arg("--helm-library")
            .arg(&inputs.library)
            .args(["--kube-version", "1.34.0", "--policy", "--environments"])
            .env("TEST_TMPDIR", scratch)
            .output()
            .map_err(|e| format!("the validator did not run: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        // The verdict and its problems, not every run's progress.
        let verdict = stdout.find("\nchart ").map_or(&*stdout, |at| &stdout[at + 1..]);
        Err(format!(
            "the validator rejected it ({}):\n{}{}",
            output.status,
            verdict.trim_end(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }

    /// What the validator does not check, in the render of the defaults and of each
    /// environment.
    fn check_rendered(&self, c: &Combination, chart: &Path) -> Result<Seen, String> {
        let mut seen = Seen::new();
        let mut runs: Vec<(String, Option<Value>)> = vec![("defaults".into(), None)];
        for name in environment_names(c) {
            let file = chart.join(format!("values-{name}.yaml"));
            let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let values = self.sdk.values_from_yaml(&text).map_err(|e| format!("values-{name}.yaml: {e}"))?;
            runs.push((format!("values-{name}.yaml"), Some(values)));
        }
        for (label, values) in runs {
            let options = RenderOptions { is_install: true, ..Default::default() };
            let loaded = Chart::load(&self.sdk, chart).map_err(|e| format!("Helm cannot load it: {e}"))?;
            let manifests = loaded.render(values.as_ref(), &options).map_err(|e| format!("{label}: {e}"))?;
            let mut objects = Vec::new();
            for (template, text) in manifests.iter().filter(|(t, _)| t.ends_with(".yaml")) {
                for document in text.split("\n---") {
                    let value = self.sdk.values_from_yaml(document).map_err(|e| format!("{template}: {e}"))?;
                    if value.get("kind").is_some() {
                        objects.push(value);
                    }
                }
            }
            for kind in check_hooks(&objects).map_err(|e| format!("{label}: {e}"))? {
                *seen.entry(format!("hook Job's {kind}")).or_default() += 1;
            }
            *seen.entry("config file".into()).or_default() +=
                check_config_files(&objects).map_err(|e| format!("{label}: {e}"))?;
        }
        Ok(seen)
    }
}

fn annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object["metadata"]["annotations"].get(key).and_then(Value::as_str)
}

fn id(object: &Value) -> String {
    format!("{}/{}", object["kind"].as_str().unwrap_or("?"), object["metadata"]["name"].as_str().unwrap_or("?"))
}

/// Every hook Job finds what its pods need created before it: its ServiceAccount, the
/// chart's ConfigMaps it reads and the NetworkPolicies that select its pods are hooks of
/// every phase it runs in, with a lower weight. And no object carries a hook weight and a
/// different Argo CD sync wave (Argo CD would order it twice).
/// The kind of each object it checked a hook Job's need of.
fn check_hooks(objects: &[Value]) -> Result<Vec<&str>, String> {
    let mut checked = Vec::new();
    for object in objects {
        if let Some(weight) = annotation(object, "helm.sh/hook-weight") {
            let wave = annotation(object, "argocd.argoproj.io/sync-wave");
            if wave != Some(weight) {
                return Err(format!("{} has hook weight {weight} but Argo CD sync wave {wave:?}", id(object)));
            }
        }
    }
    let named = |kind: &str, name: &str| objects.iter().find(|o| o["kind"] == kind && o["metadata"]["name"] == name);
    for job in objects.iter().filter(|o| o["kind"] == "Job") {
        let Some(phases) = annotation(job, "helm.sh/hook") else { continue };
        let weight: i64 = annotation(job, "helm.sh/hook-weight").and_then(|w| w.parse().ok()).unwrap_or(0);
        let pod = &job["spec"]["template"];
        let mut needed: Vec<&Value> = Vec::new();
        if let Some(account) = pod["spec"]["serviceAccountName"].as_str() {
            needed.extend(named("ServiceAccount", account));
        }
        let containers = pod["spec"]["containers"].as_array().into_iter().flatten();
        let config_maps = pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["configMap"]["name"].as_str())
            .chain(containers.clone().flat_map(|c| {
                c["envFrom"].as_array().into_iter().flatten().filter_map(|e| e["configMapRef"]["name"].as_str())
            }))
            .chain(containers.flat_map(|c| {
                c["env"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["valueFrom"]["configMapKeyRef"]["name"].as_str())
            }));
        needed.extend(config_maps.filter_map(|name| named("ConfigMap", name)));
        let labels = pod["metadata"]["labels"].as_object().cloned().unwrap_or_default();
        needed.extend(objects.iter().filter(|o| o["kind"] == "NetworkPolicy").filter(|policy| {
            let selector = policy["spec"]["podSelector"]["matchLabels"].as_object().cloned().unwrap_or_default();
            selector.iter().all(|(k, v)| labels.get(k) == Some(v))
        }));
        for object in needed {
            let its_phases: BTreeSet<&str> = annotation(object, "helm.sh/hook").unwrap_or("").split(',').collect();
            let its_weight = annotation(object, "helm.sh/hook-weight").and_then(|w| w.parse::<i64>().ok());
            let missing: Vec<&str> = phases.split(',').filter(|p| !its_phases.contains(p)).collect();
            if !missing.is_empty() || its_weight.is_none_or(|w| w >= weight) {
                return Err(format!(
                    "hook {} (phases {phases}, weight {weight}) needs {}, which is not created before it: hook {:?}, \
                     weight {its_weight:?}",
                    id(job),
                    id(object),
                    annotation(object, "helm.sh/hook")
                ));
            }
            checked.push(object["kind"].as_str().unwrap_or("?"));
        }
    }
    Ok(checked)
}

/// Every config file arrives in its ConfigMap exactly as it is; how many it checked.
fn check_config_files(objects: &[Value]) -> Result<usize, String> {
    let mut checked = 0;
    for config_map in objects.iter().filter(|o| o["kind"] == "ConfigMap") {
        if let Some(content) = config_map["data"].get("settings.conf") {
            if content != CONFIG_FILE {
                return Err(format!("{} holds settings.conf as {content}, not {CONFIG_FILE:?}", id(config_map)));
            }
            checked += 1;
        }
    }
    Ok(checked)
}

#[test]
fn every_combination_composes_and_validates() {
    let inputs = Inputs::from_env();
    let combinations = combinations();
    assert!(!combinations.is_empty(), "no combination is left to run (COMBINATIONS filters them all out)");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let seen: Mutex<Seen> = Mutex::new(Seen::new());
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let worker = Worker {
                    inputs: &inputs,
                    sdk: HelmSdk::load(&inputs.library).expect("libhelm_c.so loads"),
                    renderer: Renderer::for_charts(&inputs.templates).expect("the templates compile"),
                };
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = combinations.get(index) else { break };
                    match worker.run(c) {
                        Ok(checked) => {
                            let mut seen = seen.lock().expect("not poisoned");
                            checked.into_iter().for_each(|(what, count)| *seen.entry(what).or_default() += count);
                        }
                        Err(error) => {
                            let report =
                                format!("combination {index}: {}\n  {}", c.name(), error.replace('\n', "\n  "));
                            failures.lock().expect("not poisoned").push(report);
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("not poisoned");
    println!(
        "{} combination(s) of {} factors on {threads} thread(s) in {:.1?}: {} failed",
        combinations.len(),
        FACTORS.len(),
        started.elapsed(),
        failures.len()
    );
    let seen = seen.into_inner().expect("not poisoned");
    println!("checked in the renders: {seen:?}");
    assert!(failures.is_empty(), "{} combination(s) failed:\n\n{}", failures.len(), failures.join("\n\n"));
    // The checks of the renders had something to check (unless a filter left it out).
    if std::env::var_os("COMBINATIONS").is_none() {
        for what in ["hook Job's ServiceAccount", "hook Job's ConfigMap", "hook Job's NetworkPolicy", "config file"] {
            assert!(seen.get(what).is_some_and(|n| *n > 0), "no {what} was checked: {seen:?}");
        }
    }
}
