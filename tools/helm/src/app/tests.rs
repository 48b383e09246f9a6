use super::*;
use std::path::Path;

use crate::model::{ConcurrencyPolicy, JobRestartPolicy, ProbeKind, Protocol};

fn metadata(json: &str) -> AppMetadata {
    serde_json::from_str(json).expect("test metadata parses")
}

fn api() -> AppMetadata {
    metadata(
        r#"{"name": "status-api", "target": "//x:status_api_metadata", "image": {"repository": "ghcr.io/x/status", "tag": "1.0"}, "port": 8080}"#,
    )
}

fn error_of(meta: &AppMetadata) -> String {
    App::from_metadata(meta, Path::new("x.json")).expect_err("must be rejected").to_string()
}

fn with_keda(meta: &mut AppMetadata, enabled: bool) {
    meta.keda = serde_json::from_value(serde_json::json!({
        "enabled": enabled,
        "triggers": [{"type": "rabbitmq", "metadata": {"queueName": "q", "hostFromEnv": "AMQP_URL"}}]
    }))
    .expect("keda parses");
}

#[test]
fn keda_and_the_autoscaler_are_never_both_on() {
    let mut meta = api();
    with_keda(&mut meta, true);
    meta.autoscaling.enabled = true;
    let error = error_of(&meta);
    assert!(error.contains("//x:status_api_metadata (x.json): field `keda.enabled`"), "{error}");
    assert!(error.contains("autoscaling.enabled"), "{error}");
    meta.autoscaling.enabled = false;
    let keda = App::from_metadata(&meta, Path::new("x.json")).expect("valid").keda.expect("declared");
    assert_eq!((keda.min_replicas, keda.max_replicas, keda.polling_interval, keda.cooldown_period), (1, 5, 30, 300));
}

#[test]
fn keda_needs_triggers_without_credentials_on_a_long_running_app() {
    let mut meta = api();
    meta.keda.max_replicas = Some(3);
    assert!(error_of(&meta).contains("field `keda.triggers`: at least one trigger is required"));
    with_keda(&mut meta, false);
    meta.keda.triggers[0].metadata.insert("password".into(), "hunter2".into());
    assert!(error_of(&meta).contains("field `keda.triggers[0].metadata`"), "{}", error_of(&meta));
    meta.keda.triggers[0].metadata.clear();
    meta.keda.triggers[0].scaler = "cpu".into();
    assert!(error_of(&meta).contains("field `keda.triggers[0].metric_type`"), "{}", error_of(&meta));
    let mut job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    with_keda(&mut job, false);
    assert!(error_of(&job).contains("field `keda`: is only meaningful for a long-running app"));
}

#[test]
fn grpc_and_tcp_probes_check_the_port_and_take_no_paths() {
    let mut meta = api();
    meta.health.probe = Some(ProbeKind::Tcp);
    let probes = App::from_metadata(&meta, Path::new("x.json")).expect("valid").probes.expect("an API has probes");
    assert_eq!((probes.kind, probes.port, probes.liveness_path.as_str()), (ProbeKind::Tcp, 8080, ""));
    meta.health.probe = Some(ProbeKind::Grpc);
    meta.health.readiness_path = "/ready".into();
    let chosen = error_of(&meta);
    assert!(
        chosen
            .contains("field `health.readiness_path`: is only meaningful for an http probe; health_probe is \"grpc\""),
        "{chosen}"
    );
    // Without health_probe the protocol picks the probe: the message says so, and the ways out.
    meta.health.probe = None;
    meta.protocol = Some(Protocol::Grpc);
    let picked = error_of(&meta);
    assert!(picked.contains("the probe is grpc because the app's protocol is \"grpc\""), "{picked}");
    assert!(picked.contains("Remove the path, or set health_probe = \"http\""), "{picked}");
    let worker = metadata(
        r#"{"name": "w", "app_type": "worker", "image": {"repository": "r", "tag": "1"}, "health": {"probe": "grpc"}}"#,
    );
    assert!(error_of(&worker).contains("field `health.port`: is required"));
}

#[test]
fn metrics_share_the_app_port_or_get_their_own() {
    let mut meta = api();
    meta.metrics.port = Some(8080);
    let metrics = App::from_metadata(&meta, Path::new("x.json")).expect("valid").metrics.expect("declared");
    assert_eq!((metrics.port_name, metrics.own_port, metrics.path.as_str()), ("http", false, "/metrics"));
    meta.metrics.port = Some(9090);
    meta.metrics.interval = "1 minute".into();
    assert!(error_of(&meta).contains("field `metrics.interval`"));
    let worker = metadata(
        r#"{"name": "w", "app_type": "worker", "image": {"repository": "r", "tag": "1"}, "metrics": {"port": 9090}}"#,
    );
    assert!(error_of(&worker).contains("field `health.port`: is required for a worker serving metrics"));
}

#[test]
fn infers_internal_api_from_name() {
    let app = App::from_metadata(&api(), Path::new("x.json")).expect("valid");
    assert_eq!(app.app_type, AppType::InternalApi);
    assert_eq!(app.values_key, "statusApi");
    assert_eq!(app.replicas, 2);
    let probes = app.probes.expect("APIs have probes");
    assert_ne!(probes.liveness_path, probes.readiness_path);
}

#[test]
fn other_names_need_an_explicit_type() {
    let mut meta = api();
    meta.name = "processor".into();
    let error = error_of(&meta);
    assert!(error.contains("//x:status_api_metadata (x.json): field `app_type`"), "{error}");
    assert!(error.contains("cannot be inferred"), "{error}");
}

#[test]
fn rejects_unknown_type() {
    let parsed: Result<AppMetadata, _> =
        serde_json::from_str(r#"{"name": "a", "app_type": "sidecar", "image": {"repository": "r"}}"#);
    let error = parsed.expect_err("unknown types are rejected").to_string();
    assert!(error.contains("unknown variant `sidecar`, expected one of `external-api`"), "{error}");
}

#[test]
fn rejects_bad_names() {
    for name in ["Status", "status_api", "-api", &"a".repeat(64)] {
        let mut meta = api();
        meta.name = name.into();
        assert!(error_of(&meta).contains("field `name`"), "{name}");
    }
}

#[test]
fn rejects_port_out_of_range_and_missing_port() {
    let mut meta = api();
    meta.port = Some(70000);
    assert!(error_of(&meta).contains("field `port`: 70000 is out of range"));
    meta.port = None;
    assert!(error_of(&meta).contains("field `port`: is required for an internal-api"));
}

#[test]
fn rejects_malformed_quantities() {
    let mut meta = api();
    meta.resources.memory_limit = "512MB".into();
    assert!(error_of(&meta).contains("field `resources.memory_limit`"));
}

#[test]
fn rejects_bad_images() {
    let mut meta = api();
    meta.image.tag = "latest".into();
    assert!(error_of(&meta).contains("field `image.tag`: must not be \"latest\""));
    let mut meta = api();
    meta.image.tag = String::new();
    assert!(error_of(&meta).contains("a tag or a digest is required"));
    let mut meta = api();
    meta.image.repository = "ghcr.io/x/status:1.0".into();
    assert!(error_of(&meta).contains("field `image.repository`"));
}

/// `api()` with its image digest read from a file holding `content`, and no tag.
fn with_digest_file(dir: &tempfile::TempDir, content: &str) -> AppMetadata {
    let file = dir.path().join("digest");
    std::fs::write(&file, content).expect("digest file written");
    let mut meta = api();
    meta.image.tag = String::new();
    meta.image.digest_file = file.display().to_string();
    meta
}

#[test]
fn a_digest_file_pins_the_image_it_holds() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let digest = format!("sha256:{}", "0a".repeat(32));
    let meta = with_digest_file(&dir, &format!("{digest}\n"));
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.image.digest, digest);
    assert_eq!(app.image.tag, "");
}

#[test]
fn a_digest_file_must_hold_a_digest_and_stand_alone() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let meta = with_digest_file(&dir, "sha256:abc\n");
    let error = error_of(&meta);
    assert!(error.contains("//x:status_api_metadata") && error.contains("field `image.digest_file`"), "{error}");
    assert!(error.contains(&format!("{}: \"sha256:abc\" is not a digest", meta.image.digest_file)), "{error}");

    let mut meta = with_digest_file(&dir, &format!("sha256:{}", "0a".repeat(32)));
    meta.image.tag = "1.0".into();
    assert!(error_of(&meta).contains("is set together with image_tag"), "{}", error_of(&meta));
    meta.image.tag = String::new();
    meta.image.digest = format!("sha256:{}", "0b".repeat(32));
    assert!(error_of(&meta).contains("is set together with image_digest"), "{}", error_of(&meta));

    meta.image.digest = String::new();
    meta.image.digest_file = dir.path().join("missing").display().to_string();
    assert!(error_of(&meta).contains("field `image.digest_file`: cannot read"), "{}", error_of(&meta));
}

#[test]
fn presets_fill_what_the_app_leaves_unset() {
    let mut meta = api();
    meta.resources.memory_limit = "3Gi".into();
    let mut app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.resources.requests.cpu, "100m", "small by default");
    app.apply_chart_preset(ResourcePreset::Large);
    assert_eq!(app.resources.requests.cpu, "500m");
    assert_eq!(app.resources.limits.memory, "3Gi", "explicit wins");
    meta.resources.preset = Some(ResourcePreset::Medium);
    let mut own = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    own.apply_chart_preset(ResourcePreset::Large);
    assert_eq!(own.resources.requests.cpu, "250m", "the app's own preset wins over the chart's");
}

#[test]
fn rejects_missing_required_fields() {
    let parsed: Result<AppMetadata, _> = serde_json::from_str(r#"{"name": "status-api"}"#);
    assert!(parsed.expect_err("image is required").to_string().contains("missing field `image`"));
    let unknown: Result<AppMetadata, _> =
        serde_json::from_str(r#"{"name": "a", "image": {"repository": "r"}, "replica": 2}"#);
    assert!(unknown.expect_err("unknown fields are rejected").to_string().contains("unknown field `replica`"));
}

#[test]
fn rejects_colliding_env_names_and_bad_secret_refs() {
    let mut meta = api();
    meta.env.insert("DB_PASSWORD".into(), "x".into());
    meta.secret_env.insert("DB_PASSWORD".into(), "db/password".into());
    assert!(error_of(&meta).contains("also set in secret_env"));
    let mut meta = api();
    meta.secret_env.insert("TOKEN".into(), "no-key".into());
    assert!(error_of(&meta).contains("<secret-name>/<key>"));
}

#[test]
fn one_path_serves_liveness_and_readiness() {
    let mut meta = api();
    meta.health.liveness_path = "/health".into();
    meta.health.readiness_path = "/health".into();
    let probes = App::from_metadata(&meta, Path::new("x.json")).expect("one /health endpoint").probes.expect("probes");
    assert_eq!((probes.liveness_path.as_str(), probes.readiness_path.as_str()), ("/health", "/health"));
}

#[test]
fn type_specific_settings_need_the_type() {
    let mut meta = api();
    meta.ingress.host = "example.com".into();
    assert!(error_of(&meta).contains("field `ingress`: is set on an internal-api without ingress_enabled = True"));
    let mut meta = api();
    meta.job.backoff_limit = Some(1);
    assert!(error_of(&meta).contains("field `job`"));
}

#[test]
fn cronjobs_need_a_valid_schedule_and_are_never_hooks() {
    let meta = metadata(
        r#"{"name": "nightly", "app_type": "cronjob", "image": {"repository": "r", "tag": "1"}, "cron": {"schedule": "0 3 * * *"}}"#,
    );
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.job.expect("job settings").hook, "");
    assert_eq!(app.cron.expect("cron settings").concurrency_policy, ConcurrencyPolicy::Forbid);
    let mut bad = meta.clone();
    bad.cron.schedule = "every night".into();
    assert!(error_of(&bad).contains("field `cron.schedule`"));
    let mut hooked = meta;
    hooked.job.hook = "pre-install".into();
    assert!(error_of(&hooked).contains("a cronjob cannot be a Helm hook"));
}

#[test]
fn jobs_default_to_pre_install_hooks() {
    let meta = metadata(r#"{"name": "migrations", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.job.expect("job settings").hook, "pre-install,pre-upgrade");
    let mut meta = meta;
    meta.job.hook = "pre-delete".into();
    assert!(error_of(&meta).contains("field `job.hook`"));
}

/// The error of `meta` changed by `change`, which must name `field` and contain `reason`.
fn assert_refused(change: impl Fn(&mut AppMetadata), field: &str, reason: &str) {
    let mut meta = api();
    change(&mut meta);
    let error = error_of(&meta);
    let named = format!("//x:status_api_metadata (x.json): field `{field}`: ");
    assert!(error.contains(&named) && error.contains(reason), "{error:?} lacks {named:?} or {reason:?}");
}

fn accepted(change: impl Fn(&mut AppMetadata)) -> App {
    let mut meta = api();
    change(&mut meta);
    App::from_metadata(&meta, Path::new("x.json")).expect("accepted")
}

#[test]
fn env_and_secret_names_follow_kubernetes() {
    assert_refused(|m| _ = m.env.insert(".".into(), "x".into()), "env", "\".\" must not be '.'");
    assert_refused(|m| _ = m.env.insert("..x".into(), "x".into()), "env", "must not start with '..'");
    assert_refused(|m| _ = m.secret_env.insert("..".into(), "db/url".into()), "secret_env", "must not be '..'");
    assert_refused(
        |m| _ = m.secret_env.insert("URL".into(), "db/a b/c".into()),
        "secret_env.URL",
        "the key \"a b/c\" is not a ConfigMap key",
    );
    assert_refused(
        |m| _ = m.secret_env.insert("URL".into(), "Db/url".into()),
        "secret_env.URL",
        "the secret name \"Db\" is not a DNS-1123 subdomain",
    );
    let app = accepted(|m| _ = m.secret_env.insert("URL".into(), "db.example/url.txt".into()));
    assert_eq!(app.secret_env["URL"], SecretKeyRef { name: "db.example".into(), key: "url.txt".into() });
}

#[test]
fn config_keys_and_mount_paths_follow_kubernetes() {
    let with_config = |key: &str, mount: &str| {
        let (key, mount) = (key.to_string(), mount.to_string());
        move |m: &mut AppMetadata| {
            m.config.data.insert(key.clone(), "x".into());
            m.config.mount_path = mount.clone();
        }
    };
    assert_refused(with_config("..data", "/etc/app"), "config.data", "\"..data\" must not start with '..'");
    assert_refused(with_config("..x", ""), "config.data", "must not start with '..'");
    assert_refused(
        with_config("a.conf", "/etc/../root"),
        "config.mount_path",
        "must not contain a '.' or '..' segment",
    );
    assert_refused(with_config("a.conf", "/etc/app:rw"), "config.mount_path", "must not contain ':'");
    assert_refused(with_config("a.conf", "/etc//app"), "config.mount_path", "empty segment");
    assert_refused(with_config("a.conf", "/tmp"), "config.mount_path", "other than / and /tmp");
    assert_refused(with_config("a.conf", "/etc/a\u{7}"), "config.mount_path", "control characters");
    let mounted = accepted(with_config("a.conf", "/etc/app"));
    assert_eq!(mounted.config.expect("config").mount_path, "/etc/app");
}

#[test]
fn ingress_hosts_and_annotations_follow_kubernetes() {
    let web = |host: &str, annotation: &str| {
        let (host, annotation) = (host.to_string(), annotation.to_string());
        move |m: &mut AppMetadata| {
            m.app_type = Some(AppType::ExternalApi);
            m.ingress.host = host.clone();
            m.ingress.annotations.insert(annotation.clone(), "v".into());
        }
    };
    assert_refused(web("example.com", "not a key!"), "ingress.annotations", "\"not a key!\" is not a qualified name");
    assert_refused(web("example.com", "Bad.io/x"), "ingress.annotations", "prefix \"Bad.io\" is not a DNS-1123");
    assert_refused(web("10.1.2.3", "a"), "ingress.host", "must be a DNS name, not an IP address");
    assert_refused(web("a.*.example.com", "a"), "ingress.host", "only a leading \"*.\" wildcard is allowed");
    let app = accepted(web("*.example.com", "nginx.ingress.kubernetes.io/rewrite-target"));
    assert_eq!(app.ingress.expect("ingress").host, "*.example.com");
    let big = |m: &mut AppMetadata| {
        web("example.com", "a")(m);
        m.ingress.annotations.insert("b".into(), "x".repeat(256 * 1024));
    };
    assert_refused(big, "ingress.annotations", "Kubernetes allows at most 262144 (256 KiB)");
}

#[test]
fn cron_schedules_are_checked_field_by_field() {
    let cronjob = |schedule: &str| {
        let schedule = schedule.to_string();
        move |m: &mut AppMetadata| {
            m.name = "nightly".into();
            m.app_type = Some(AppType::Cronjob);
            m.port = None;
            m.cron.schedule = schedule.clone();
        }
    };
    assert_refused(
        cronjob("99 99 * * *"),
        "cron.schedule",
        "minute field \"99\": end of range (99) above maximum (59)",
    );
    assert_refused(cronjob("0 3 * * 7"), "cron.schedule", "day of week field \"7\"");
    assert_refused(cronjob("0 3 * * * *"), "cron.schedule", "expected five fields");
    assert_eq!(accepted(cronjob("0-59 0-23 1-31 1-12 0-6")).cron.expect("cron").schedule, "0-59 0-23 1-31 1-12 0-6");
}

#[test]
fn image_repositories_follow_the_reference_grammar() {
    assert_refused(|m| m.image.repository = "..".into(), "image.repository", "path component \"..\"");
    assert_refused(|m| m.image.repository = "ghcr.io/a//b".into(), "image.repository", "path component \"\"");
    assert_eq!(accepted(|m| m.image.repository = "localhost:5000/a__b".into()).image.repository, "localhost:5000/a__b");
}

#[test]
fn counts_are_int32_as_kubernetes_stores_them() {
    let at_most = "5000000000 must be at most 2147483647";
    assert_refused(|m| m.replicas = Some(5_000_000_000), "replicas", at_most);
    assert_refused(|m| m.replicas = Some(2_147_483_648), "replicas", "2147483648 must be at most 2147483647");
    assert_refused(|m| m.replicas = Some(-1), "replicas", "-1 must be at least 1");
    assert_refused(|m| m.autoscaling.max_replicas = Some(5_000_000_000), "autoscaling.max_replicas", at_most);
    assert_eq!(accepted(|m| m.replicas = Some(2_147_483_647)).replicas, 2_147_483_647);
    let keda = |interval: i64| {
        move |m: &mut AppMetadata| {
            with_keda(m, false);
            m.keda.polling_interval = Some(interval);
        }
    };
    assert_refused(keda(5_000_000_000), "keda.polling_interval", at_most);
    assert_eq!(accepted(keda(2_147_483_647)).keda.expect("keda").polling_interval, 2_147_483_647);
    let job = |limit: i64| {
        move |m: &mut AppMetadata| {
            m.name = "migrate".into();
            m.app_type = Some(AppType::Job);
            m.job.backoff_limit = Some(limit);
        }
    };
    assert_refused(job(2_147_483_648), "job.backoff_limit", "must be at most 2147483647");
    assert_eq!(accepted(job(2_147_483_647)).job.expect("job").backoff_limit, 2_147_483_647);
}

fn web() -> AppMetadata {
    metadata(
        r#"{"name": "web", "app_type": "external-api", "image": {"repository": "r", "tag": "1"}, "port": 80,
            "ingress": {"host": "example.com"}}"#,
    )
}

#[test]
fn ingress_annotations_stop_at_256_kib_in_total() {
    let mut meta = web();
    // Key "a" (1 byte) plus a value that brings the total to exactly 256 KiB.
    meta.ingress.annotations.insert("a".into(), "x".repeat(256 * 1024 - 1));
    App::from_metadata(&meta, Path::new("x.json")).expect("exactly 256 KiB");
    meta.ingress.annotations.insert("b".into(), String::new());
    let error = error_of(&meta);
    assert!(error.contains("field `ingress.annotations`") && error.contains("at most 262144"), "{error}");
}

#[test]
fn a_job_hook_of_none_makes_a_plain_job() {
    let mut meta = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    meta.job.hook = "none".into();
    assert_eq!(App::from_metadata(&meta, Path::new("x.json")).expect("valid").job.expect("job").hook, "");
}

#[test]
fn keda_bounds_may_meet_but_not_cross() {
    let mut meta = api();
    with_keda(&mut meta, false);
    meta.keda.min_replicas = Some(3);
    meta.keda.max_replicas = Some(3);
    let keda = App::from_metadata(&meta, Path::new("x.json")).expect("equal bounds").keda.expect("declared");
    assert_eq!((keda.min_replicas, keda.max_replicas), (3, 3));
    meta.keda.max_replicas = Some(2);
    assert!(error_of(&meta).contains("field `keda.max_replicas`: 2 is below min_replicas 3"), "{}", error_of(&meta));
}

#[test]
fn keda_trigger_types_and_names_are_checked() {
    let mut meta = api();
    with_keda(&mut meta, false);
    for bad in ["", "RabbitMQ", "rabbit mq", "{{x}}"] {
        meta.keda.triggers[0].scaler = bad.into();
        assert!(error_of(&meta).contains("field `keda.triggers[0].type`"), "{bad:?}: {}", error_of(&meta));
    }
    meta.keda.triggers[0].scaler = "aws-sqs-queue2".into();
    App::from_metadata(&meta, Path::new("x.json")).expect("lowercase, digits and '-'");
    let mut second = meta.keda.triggers[0].clone();
    meta.keda.triggers[0].name = "queue".into();
    second.name = "queue".into();
    meta.keda.triggers.push(second);
    assert!(
        error_of(&meta).contains("field `keda.triggers[1].name`: \"queue\" names two triggers"),
        "{}",
        error_of(&meta)
    );
    meta.keda.triggers[1].name = String::new();
    meta.keda.triggers[0].name = String::new();
    App::from_metadata(&meta, Path::new("x.json")).expect("unnamed triggers never clash");
}

#[test]
fn a_worker_declaring_any_health_setting_needs_its_port() {
    for health in [r#"{"liveness_path": "/live"}"#, r#"{"readiness_path": "/ready"}"#, r#"{"probe": "tcp"}"#] {
        let worker = metadata(&format!(
            r#"{{"name": "w", "app_type": "worker", "image": {{"repository": "r", "tag": "1"}}, "health": {health}}}"#
        ));
        assert!(
            error_of(&worker).contains("field `health.port`: is required when a worker without a port declares"),
            "{health}"
        );
    }
}

#[test]
fn a_disruption_budget_takes_one_bound() {
    let budget = |min: &str, max: &str| {
        let mut meta = api();
        meta.pdb.min_available = min.into();
        meta.pdb.max_unavailable = max.into();
        App::from_metadata(&meta, Path::new("x.json")).map(|app| app.pdb.map(|b| (b.key, b.value)))
    };
    assert_eq!(budget("", "").expect("default"), Some(("maxUnavailable", serde_json::json!(1))));
    assert_eq!(budget("", "25%").expect("max"), Some(("maxUnavailable", serde_json::json!("25%"))));
    assert_eq!(budget("1", "").expect("min"), Some(("minAvailable", serde_json::json!(1))));
    let both = budget("1", "1").expect_err("both").to_string();
    assert!(both.contains("set min_available or max_unavailable, not both"), "{both}");
}

fn stateful() -> AppMetadata {
    metadata(
        r#"{"name": "db", "target": "//x:db_metadata", "app_type": "stateful", "image": {"repository": "r", "tag": "16"},
            "port": 5432, "health": {"probe": "tcp"}, "storage": {"size": "8Gi", "mount_path": "/var/lib/db"}}"#,
    )
}

#[test]
fn a_stateful_app_needs_a_port_and_storage_and_is_never_autoscaled() {
    let app = App::from_metadata(&stateful(), Path::new("x.json")).expect("valid");
    assert_eq!((app.replicas, app.autoscaling.is_none(), app.pdb.is_some()), (1, true, true));
    let storage = app.storage.expect("storage");
    assert_eq!(
        (storage.size.as_str(), storage.mount_path.as_str(), storage.class.as_str()),
        ("8Gi", "/var/lib/db", "")
    );
    let probes = app.probes.expect("probes on its port");
    assert_eq!((probes.kind, probes.port), (ProbeKind::Tcp, 5432));
    let mut meta = stateful();
    meta.port = None;
    assert!(error_of(&meta).contains("field `port`: is required for a stateful app"), "{}", error_of(&meta));
    let mut meta = stateful();
    meta.storage.mount_path.clear();
    assert!(error_of(&meta).contains("field `storage.mount_path`"), "{}", error_of(&meta));
    let mut meta = stateful();
    meta.storage.size = "lots".into();
    assert!(error_of(&meta).contains("field `storage.size`"), "{}", error_of(&meta));
    for field in ["autoscaling", "keda", "metrics"] {
        let mut meta = stateful();
        match field {
            "autoscaling" => meta.autoscaling.enabled = true,
            "keda" => with_keda(&mut meta, false),
            _ => meta.metrics.port = Some(9187),
        }
        let error = error_of(&meta);
        assert!(error.contains(&format!("field `{field}`: is not available for a stateful app")), "{error}");
    }
    let mut api = api();
    api.storage.size = "1Gi".into();
    assert!(error_of(&api).contains("field `storage`: is only meaningful for a stateful app"));
}

#[test]
fn secret_mounts_are_read_only_directories_of_named_secrets() {
    let mut meta = api();
    meta.secret_mounts.insert("/etc/tls".into(), "web-tls".into());
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(
        app.secret_mounts,
        [SecretMount { volume: "secret-0".into(), path: "/etc/tls".into(), secret: "web-tls".into() }]
    );
    meta.secret_mounts.insert("/etc/other".into(), "Not_A_Name".into());
    assert!(error_of(&meta).contains("field `secret_mounts./etc/other`"), "{}", error_of(&meta));
    let mut meta = api();
    meta.secret_mounts.insert("/tmp".into(), "web-tls".into());
    assert!(error_of(&meta).contains("field `secret_mounts`"), "{}", error_of(&meta));
}

#[test]
fn versions_and_sync_waves_are_checked() {
    let mut meta = api();
    meta.version = "1.2.0+build.7".into();
    meta.sync_wave = Some(-2);
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!((app.version.as_str(), app.sync_wave), ("1.2.0+build.7", Some(-2)));
    meta.version = "not a label value".into();
    assert!(error_of(&meta).contains("field `version`"), "{}", error_of(&meta));
    let mut meta = api();
    meta.sync_wave = Some(i64::from(i32::MAX) + 1);
    assert!(error_of(&meta).contains("field `sync_wave`"), "{}", error_of(&meta));
    // A plain Job (no hook) may have a wave.
    let mut job = metadata(
        r#"{"name": "seed", "app_type": "job", "image": {"repository": "r", "tag": "1"}, "job": {"hook": "none"}}"#,
    );
    job.sync_wave = Some(4);
    assert_eq!(App::from_metadata(&job, Path::new("x.json")).expect("valid").sync_wave, Some(4));
}

#[test]
fn hook_weights_and_kept_jobs() {
    let mut job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    let default = App::from_metadata(&job, Path::new("x.json")).expect("valid").job.expect("job");
    assert_eq!(
        (default.hook_weight, default.prerequisite_weight, default.ttl_seconds_after_finished),
        (-5, -10, Some(3600))
    );
    job.job.hook_weight = Some(7);
    job.job.keep_finished = true;
    let kept = App::from_metadata(&job, Path::new("x.json")).expect("valid").job.expect("job");
    assert_eq!((kept.hook_weight, kept.prerequisite_weight, kept.ttl_seconds_after_finished), (7, 2, None));
    job.job.hook_weight = Some(i64::from(i32::MIN) - 1);
    assert!(error_of(&job).contains("field `job.hook_weight`"), "{}", error_of(&job));
    // The prerequisites need room below the weight: -2147483643 is the lowest.
    job.job.hook_weight = Some(i64::from(i32::MIN) + 4);
    assert!(error_of(&job).contains("field `job.hook_weight`: -2147483644 is outside -2147483643..2147483647"));
    job.job.hook_weight = Some(i64::from(i32::MIN) + 5);
    let lowest = App::from_metadata(&job, Path::new("x.json")).expect("valid").job.expect("job");
    assert_eq!((lowest.hook_weight, lowest.prerequisite_weight), (i32::MIN + 5, i32::MIN));
    job.job.hook_weight = Some(1);
    job.job.hook = "none".into();
    assert!(error_of(&job).contains("field `job.hook_weight`: is only meaningful for a Helm hook"));
}

#[test]
fn a_worker_without_health_checks_needs_the_probes_exception() {
    let mut worker =
        metadata(r#"{"name": "consumer", "app_type": "worker", "image": {"repository": "r", "tag": "1"}}"#);
    assert!(error_of(&worker).contains("field `health`"), "{}", error_of(&worker));
    worker.policy_exceptions.insert("probes".into(), "reads a queue".into());
    let app = App::from_metadata(&worker, Path::new("x.json")).expect("excused");
    assert_eq!(app.policy_exceptions.iter().map(|e| e.name).collect::<Vec<_>>(), ["probes"]);
    assert_eq!(app.kube_score_ignore, "pod-probes");
    // Batch apps have no probes and need no exception.
    let job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    assert!(App::from_metadata(&job, Path::new("x.json")).expect("valid").policy_exceptions.is_empty());
}

fn worker(extra: &str) -> AppMetadata {
    metadata(&format!(
        r#"{{"name": "w", "target": "//x:w_metadata", "app_type": "worker", "image": {{"repository": "r", "tag": "1"}}{extra}}}"#
    ))
}

#[test]
fn a_worker_with_a_port_and_no_probes_fails_with_the_fix() {
    let error = error_of(&worker(r#", "port": 8080"#));
    assert!(error.contains("field `health`: a worker with a port serves it"), "{error}");
    assert!(
        error.contains("any health_* attribute turns the probes on") && error.contains("health_command"),
        "{error}"
    );
    assert!(error.contains("or remove port") && error.contains("policy_exceptions = {\"probes\""), "{error}");
    let app = App::from_metadata(&worker(r#", "port": 8080, "health": {"probe": "tcp"}"#), Path::new("x.json"))
        .expect("a probe on the worker's port");
    assert_eq!(app.probes.map(|p| (p.kind, p.port)), Some((ProbeKind::Tcp, 8080)));
    // The `probes` exception excuses a worker with or without a port; its reason is checked
    // by the security rules (a_worker_without_health_checks_needs_the_probes_exception).
    let excused = r#", "policy_exceptions": {"probes": "reads a queue"}"#;
    assert!(App::from_metadata(&worker(excused), Path::new("x.json")).expect("no port").probes.is_none());
    let served = format!(r#", "port": 8080{excused}"#);
    assert!(App::from_metadata(&worker(&served), Path::new("x.json")).expect("excused").probes.is_none());
}

#[test]
fn exec_probes_run_a_command_and_take_nothing_of_the_network() {
    let app = App::from_metadata(
        &worker(r#", "health": {"command": ["dagster-daemon", "liveness-check"]}"#),
        Path::new("x.json"),
    )
    .expect("an exec probe");
    let probes = app.probes.expect("probes");
    assert_eq!(
        (probes.kind, probes.command),
        (ProbeKind::Exec, vec!["dagster-daemon".into(), "liveness-check".into()])
    );
    let error = error_of(&worker(r#", "health": {"probe": "exec"}"#));
    assert!(error.contains("field `health.command`: is required for an exec probe"), "{error}");
    let error = error_of(&worker(r#", "health": {"command": ["check"], "liveness_path": "/live"}"#));
    assert!(error.contains("field `health.liveness_path`: is not meaningful for an exec probe"), "{error}");
    let error = error_of(&worker(r#", "port": 80, "health": {"probe": "tcp", "command": ["check"]}"#));
    assert!(error.contains("field `health.command`: is only meaningful for an exec probe"), "{error}");
}

#[test]
fn the_protocol_names_the_port_and_picks_the_probe_and_service_port() {
    let mut meta = api();
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("http");
    assert_eq!((app.port_name, app.service_port), ("http", Some(80)));
    meta.protocol = Some(Protocol::Grpc);
    meta.port = Some(50051);
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("grpc");
    assert_eq!((app.port_name, app.service_port), ("grpc", Some(50051)));
    assert_eq!(app.probes.map(|p| p.kind), Some(ProbeKind::Grpc));
    meta.protocol = Some(Protocol::Tcp);
    meta.service_port = Some(5432);
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("tcp");
    assert_eq!((app.port_name, app.service_port), ("tcp", Some(5432)));
    assert_eq!(app.probes.map(|p| p.kind), Some(ProbeKind::Tcp));
    meta.service_port = Some(65536);
    assert!(error_of(&meta).contains("field `service_port`"));
    let error = error_of(&worker(r#", "service_port": 80"#));
    assert!(error.contains("field `service_port`: needs port"), "{error}");
}

#[test]
fn sibling_and_cluster_env_are_typed_and_unique() {
    let mut meta = api();
    meta.sibling_env = serde_json::from_str(r#"[{"env": "WORKER_URL", "app": "other-api"}]"#).expect("parses");
    meta.cluster_env = serde_json::from_str(r#"{"POD_NAME": "pod-name", "CPU": "cpu-limit"}"#).expect("parses");
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.sibling_env[0].form, crate::model::AddressForm::Url);
    assert_eq!(app.sibling_env[0].values_key, "otherApi");
    let cpu = app.cluster_env.iter().find(|c| c.env == "CPU").expect("cpu");
    assert_eq!(cpu.field, crate::model::ClusterField::CpuLimit);
    meta.env.insert("POD_NAME".into(), "x".into());
    assert!(error_of(&meta).contains("\"POD_NAME\" is also set in env"));
    meta.env.clear();
    meta.sibling_env[0].app = "status-api".into();
    assert!(error_of(&meta).contains("field `sibling_env.WORKER_URL.app`: \"status-api\" is this app itself"));
    meta.sibling_env[0].app = "Not_A_Name".into();
    assert!(error_of(&meta).contains("field `sibling_env.WORKER_URL.app`"));
    assert!(serde_json::from_str::<AppMetadata>(
        r#"{"name": "a", "image": {"repository": "r"}, "cluster_env": {"X": "pod-uid"}}"#
    )
    .is_err());
}

#[test]
fn an_internal_api_opts_into_an_ingress() {
    let mut meta = api();
    meta.ingress.enabled = true;
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("opt-in");
    let ingress = app.ingress.expect("an Ingress");
    assert!(ingress.host_from_pattern && ingress.host.is_empty());
    meta.ingress.host = "status.example.com".into();
    let ingress = App::from_metadata(&meta, Path::new("x.json")).expect("own host").ingress.expect("an Ingress");
    assert!(!ingress.host_from_pattern);
    let error = error_of(&worker(r#", "ingress": {"enabled": true}"#));
    assert!(error.contains("field `ingress`: is only meaningful for an external-api (or an internal-api"), "{error}");
}

#[test]
fn requests_above_limits_are_refused_as_kubernetes_refuses_them() {
    assert_refused(
        |m| (m.resources.cpu_request, m.resources.cpu_limit) = ("2".into(), "1".into()),
        "resources.cpu_request",
        "the cpu request \"2\" (resources.cpu_request) is above the cpu limit \"1\" (resources.cpu_limit)",
    );
    // Quantities compare by value, not text: 1Gi is 1024Mi, above 1000Mi.
    assert_refused(
        |m| (m.resources.memory_request, m.resources.memory_limit) = ("1Gi".into(), "1000Mi".into()),
        "resources.memory_request",
        "the memory request \"1Gi\"",
    );
    assert_refused(
        |m| {
            (m.resources.ephemeral_storage_request, m.resources.ephemeral_storage_limit) =
                ("2Gi".into(), "1.5Gi".into())
        },
        "resources.ephemeral_storage_request",
        "is above the ephemeral storage limit \"1.5Gi\"",
    );
    // Against the preset the app names itself, whichever side it sets.
    assert_refused(
        |m| (m.resources.preset, m.resources.cpu_request) = (Some(ResourcePreset::Medium), "1500m".into()),
        "resources.cpu_request",
        "is above the cpu limit \"1000m\" (its preset's)",
    );
    assert_refused(
        |m| (m.resources.preset, m.resources.memory_limit) = (Some(ResourcePreset::Large), "512Mi".into()),
        "resources.memory_limit",
        "the memory request \"1Gi\" (its preset's) is above the memory limit \"512Mi\"",
    );
    let equal = accepted(|m| {
        (m.resources.cpu_request, m.resources.cpu_limit) = ("1000m".into(), "1".into());
        (m.resources.memory_request, m.resources.memory_limit) = ("1024Mi".into(), "1Gi".into());
    });
    assert_eq!(equal.resources.requests.cpu, "1000m");
    // Left to the preset chosen later (the chart's or an environment's): the validator checks
    // the rendered result.
    assert_eq!(accepted(|m| m.resources.cpu_request = "2".into()).resources.requests.cpu, "2");
}

#[test]
fn autoscaling_bounds_are_refused_when_min_exceeds_max() {
    assert_refused(
        |m| {
            m.autoscaling.min_replicas = Some(5);
            m.autoscaling.max_replicas = Some(3);
        },
        "autoscaling.max_replicas",
        "3 is below min_replicas 5",
    );
    assert_refused(|m| m.autoscaling.min_replicas = Some(0), "autoscaling.min_replicas", "0 must be at least 1");
    let scaled = accepted(|m| (m.autoscaling.min_replicas, m.autoscaling.max_replicas) = (Some(3), Some(3)));
    let autoscaling = scaled.autoscaling.expect("autoscaling");
    assert_eq!((autoscaling.min_replicas, autoscaling.max_replicas), (3, 3));
}

#[test]
fn a_schedule_the_api_server_refuses_is_refused() {
    let cronjob = |m: &mut AppMetadata| {
        m.name = "nightly".into();
        m.app_type = Some(AppType::Cronjob);
        m.port = None;
        m.cron.schedule = "61 * * * *".into();
    };
    assert_refused(cronjob, "cron.schedule", "minute field \"61\": end of range (61) above maximum (59)");
}

#[test]
fn ingress_paths_follow_kubernetes() {
    let path = |path: &str| {
        let path = path.to_string();
        move |m: &mut AppMetadata| {
            m.app_type = Some(AppType::ExternalApi);
            m.ingress.host = "example.com".into();
            m.ingress.path = path.clone();
        }
    };
    assert_refused(path("api"), "ingress.path", "\"api\" must start with '/'");
    assert_refused(path("/api//v1"), "ingress.path", "must not contain '//'");
    assert_refused(path("/api/../admin"), "ingress.path", "must not contain '/../'");
    assert_refused(path("/a%2Fb"), "ingress.path", "must not contain '%2F'");
    assert_refused(path("/api/."), "ingress.path", "must not end with '/.'");
    assert_eq!(accepted(path("/api/v1.2")).ingress.expect("ingress").path, "/api/v1.2");
}

#[test]
fn a_cronjob_name_leaves_room_for_a_release_name_within_52_characters() {
    let cronjob = |length: usize| {
        move |m: &mut AppMetadata| {
            m.name = "n".repeat(length);
            m.app_type = Some(AppType::Cronjob);
            m.port = None;
            m.cron.schedule = "@daily".into();
        }
    };
    assert_refused(cronjob(51), "name", "is 51 characters long; a cronjob's CronJob is named <release>-<name>");
    assert_eq!(accepted(cronjob(50)).name.len(), 50);
}

#[test]
fn image_pull_secrets_are_secret_names_each_once() {
    let mut meta = api();
    meta.image_pull_secrets = vec!["ghcr-credentials".into(), "registry.example.com".into()];
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.image_pull_secrets, ["ghcr-credentials", "registry.example.com"]);
    meta.image_pull_secrets = vec!["user:password".into()];
    let error = error_of(&meta);
    assert!(error.contains("field `image_pull_secrets`: \"user:password\" is not a DNS-1123 subdomain"), "{error}");
    meta.image_pull_secrets = vec!["ghcr".into(), "ghcr".into()];
    let error = error_of(&meta);
    assert!(error.contains("field `image_pull_secrets`: \"ghcr\" is listed twice"), "{error}");
}

fn with_scheduling(meta: &mut AppMetadata, scheduling: serde_json::Value) {
    meta.scheduling = serde_json::from_value(scheduling).expect("scheduling parses");
}

#[test]
fn scheduling_becomes_the_pod_specs_fields() {
    let mut meta = api();
    with_scheduling(
        &mut meta,
        serde_json::json!({
            "node_selector": {"cloud.google.com/gke-nodepool": "api"},
            "tolerations": [{"key": "dedicated", "value": "api", "effect": "NoSchedule"},
                            {"operator": "Exists", "effect": "NoExecute", "toleration_seconds": 60}],
            "node_affinity": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                              {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a"], "weight": 10}],
            "topology_spread": [{"topology_key": "topology.kubernetes.io/zone"}],
            "priority_class_name": "business-critical"
        }),
    );
    let scheduling = App::from_metadata(&meta, Path::new("x.json")).expect("valid").scheduling;
    assert_eq!(
        serde_json::to_value(&scheduling.tolerations).expect("serializes"),
        serde_json::json!([{"key": "dedicated", "operator": "Equal", "value": "api", "effect": "NoSchedule"},
                           {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}])
    );
    assert_eq!(
        scheduling.node_affinity,
        serde_json::json!({
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}]},
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": {"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a"]}]}}]
        })
    );
    assert_eq!(
        serde_json::to_value(&scheduling.topology_spread_constraints).expect("serializes"),
        serde_json::json!([{"topologyKey": "topology.kubernetes.io/zone", "maxSkew": 1, "whenUnsatisfiable": "ScheduleAnyway"}])
    );
}

#[test]
fn gt_and_lt_take_one_whole_number() {
    let mut meta = api();
    with_scheduling(
        &mut meta,
        serde_json::json!({"node_affinity": [{"key": "cores", "operator": "Gt", "values": ["3"]},
                                             {"key": "cores", "operator": "Lt", "values": ["7"]}]}),
    );
    let scheduling = App::from_metadata(&meta, Path::new("x.json")).expect("valid").scheduling;
    assert_eq!(
        scheduling.node_affinity["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
            ["matchExpressions"],
        serde_json::json!([{"key": "cores", "operator": "Gt", "values": ["3"]},
                           {"key": "cores", "operator": "Lt", "values": ["7"]}])
    );
    with_scheduling(
        &mut meta,
        serde_json::json!({"node_affinity": [{"key": "cores", "operator": "Lt", "values": ["1", "2"]}]}),
    );
    let error = error_of(&meta);
    assert!(error.contains("field `scheduling.node_affinity[0].values`: must be one whole number"), "{error}");
}

#[test]
fn min_domains_come_with_do_not_schedule() {
    let mut meta = api();
    with_scheduling(
        &mut meta,
        serde_json::json!({"topology_spread": [
            {"topology_key": "topology.kubernetes.io/zone", "when_unsatisfiable": "DoNotSchedule", "min_domains": 3}
        ]}),
    );
    let scheduling = App::from_metadata(&meta, Path::new("x.json")).expect("valid").scheduling;
    assert_eq!(
        serde_json::to_value(&scheduling.topology_spread_constraints).expect("serializes"),
        serde_json::json!([{"topologyKey": "topology.kubernetes.io/zone", "maxSkew": 1,
                            "whenUnsatisfiable": "DoNotSchedule", "minDomains": 3}])
    );
}

#[test]
fn scheduling_is_refused_as_the_api_server_would_naming_the_field() {
    let cases = [
        (serde_json::json!({"node_selector": {"bad key!": "x"}}), "field `scheduling.node_selector`"),
        (serde_json::json!({"node_selector": {"pool": "not a value"}}), "field `scheduling.node_selector`: pool:"),
        (serde_json::json!({"tolerations": [{"value": "x"}]}), "field `scheduling.tolerations[0]`: a toleration without a key"),
        (serde_json::json!({"tolerations": [{"key": "k", "operator": "Exists", "value": "x"}]}), "field `scheduling.tolerations[0].value`: must be empty"),
        (serde_json::json!({"tolerations": [{"key": "k", "effect": "NoSchedule", "toleration_seconds": 5}]}), "field `scheduling.tolerations[0].toleration_seconds`"),
        (serde_json::json!({"node_affinity": [{"key": "k", "operator": "In"}]}), "field `scheduling.node_affinity[0].values`: needs at least one value"),
        (serde_json::json!({"node_affinity": [{"key": "k", "operator": "Exists", "values": ["x"]}]}), "field `scheduling.node_affinity[0].values`: must be empty"),
        (serde_json::json!({"node_affinity": [{"key": "k", "operator": "Gt", "values": ["x"]}]}), "field `scheduling.node_affinity[0].values`: must be one whole number"),
        (serde_json::json!({"node_affinity": [{"key": "k", "operator": "Exists", "weight": 101}]}), "field `scheduling.node_affinity[0].weight`: 101 is outside 1..100"),
        (serde_json::json!({"topology_spread": [{"topology_key": "zone", "max_skew": 0}]}), "field `scheduling.topology_spread[0].max_skew`: 0 must be at least 1"),
        (serde_json::json!({"topology_spread": [{"topology_key": "zone", "min_domains": 2}]}), "field `scheduling.topology_spread[0].min_domains`: is only meaningful with when_unsatisfiable DoNotSchedule"),
        (serde_json::json!({"topology_spread": [{"topology_key": "zone"}, {"topology_key": "zone"}]}), "field `scheduling.topology_spread[1].topology_key`"),
        (serde_json::json!({"priority_class_name": "High"}), "field `scheduling.priority_class_name`: \"High\" is not a DNS-1123 subdomain"),
        (serde_json::json!({"priority_class_name": "system-node-critical"}), "field `scheduling.priority_class_name`: \"system-node-critical\": the system- PriorityClasses are reserved"),
    ];
    for (scheduling, expected) in cases {
        let mut meta = api();
        with_scheduling(&mut meta, scheduling.clone());
        let error = error_of(&meta);
        assert!(error.contains(expected), "{scheduling}: {error}");
    }
}

#[test]
fn startup_probe_covers_startup_seconds_for_every_probe_kind() {
    for (health, kind) in [
        (serde_json::json!({"startup_seconds": 95}), ProbeKind::Http),
        (serde_json::json!({"probe": "grpc", "startup_seconds": 95}), ProbeKind::Grpc),
        (serde_json::json!({"probe": "tcp", "startup_seconds": 95}), ProbeKind::Tcp),
        (serde_json::json!({"command": ["/bin/check"], "startup_seconds": 95}), ProbeKind::Exec),
    ] {
        let mut meta = api();
        meta.health = serde_json::from_value(health).expect("health parses");
        let probes = App::from_metadata(&meta, Path::new("x.json")).expect("valid").probes.expect("probes");
        assert_eq!((probes.kind, probes.startup_failure_threshold), (kind, Some(10)), "checks every 10s");
    }
    let mut meta = api();
    meta.health.startup_seconds = Some(0);
    assert!(error_of(&meta).contains("field `health.startup_seconds`: 0 must be at least 1"), "{}", error_of(&meta));
    let mut job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    job.health.startup_seconds = Some(60);
    let error = error_of(&job);
    assert!(error.contains("field `health.startup_seconds`: is only meaningful for a long-running app"), "{error}");
}

#[test]
fn shutdown_has_one_pre_stop_hook_within_the_grace_period() {
    let mut meta = api();
    meta.shutdown = serde_json::from_value(serde_json::json!({"pre_stop_sleep_seconds": 10})).expect("parses");
    let shutdown = App::from_metadata(&meta, Path::new("x.json")).expect("valid").shutdown;
    assert_eq!(shutdown.grace_period_seconds, 30, "Kubernetes' default");
    assert_eq!(serde_json::to_value(&shutdown.pre_stop).expect("serializes"), serde_json::json!({"sleepSeconds": 10}));
    // A sleep as long as the grace period is what the API server still admits.
    meta.shutdown = serde_json::from_value(serde_json::json!({"grace_period_seconds": 5, "pre_stop_sleep_seconds": 5}))
        .expect("parses");
    let shutdown = App::from_metadata(&meta, Path::new("x.json")).expect("a sleep of the whole grace period").shutdown;
    assert_eq!((shutdown.grace_period_seconds, shutdown.pre_stop.sleep_seconds), (5, Some(5)));
    let cases = [
        (
            serde_json::json!({"pre_stop_sleep_seconds": 40}),
            "field `shutdown.pre_stop_sleep_seconds`: 40 is longer than the grace period (30 seconds)",
        ),
        (
            serde_json::json!({"grace_period_seconds": 5, "pre_stop_sleep_seconds": 6}),
            "is longer than the grace period (5 seconds)",
        ),
        (
            serde_json::json!({"pre_stop_sleep_seconds": 5, "pre_stop_command": ["/drain"]}),
            "field `shutdown.pre_stop_command`: is set together with shutdown.pre_stop_sleep_seconds",
        ),
        (serde_json::json!({"pre_stop_command": [""]}), "field `shutdown.pre_stop_command`: has an empty word"),
        (
            serde_json::json!({"grace_period_seconds": -1}),
            "field `shutdown.grace_period_seconds`: -1 must be at least 0",
        ),
        (
            serde_json::json!({"pre_stop_sleep_seconds": 0}),
            "field `shutdown.pre_stop_sleep_seconds`: 0 must be at least 1",
        ),
    ];
    for (shutdown, expected) in cases {
        meta.shutdown = serde_json::from_value(shutdown.clone()).expect("parses");
        let error = error_of(&meta);
        assert!(error.contains(expected), "{shutdown}: {error}");
    }
}

#[test]
fn pod_annotations_and_labels_never_take_the_charts_own_keys() {
    let mut meta = api();
    meta.pod_annotations.insert("sidecar.istio.io/inject".into(), "true".into());
    meta.pod_labels.insert("example.com/cost-center".into(), "shop".into());
    let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
    assert_eq!(app.pod_annotations["sidecar.istio.io/inject"], "true");
    assert_eq!(app.pod_labels["example.com/cost-center"], "shop");
    let cases = [
        (
            "pod_labels",
            "app.kubernetes.io/name",
            "x",
            "field `pod_labels`: \"app.kubernetes.io/name\": app.kubernetes.io/* labels are the chart's own",
        ),
        (
            "pod_labels",
            "helm.sh/chart",
            "x",
            "field `pod_labels`: \"helm.sh/chart\": helm.sh/* labels are the chart's own",
        ),
        ("pod_labels", "team", "not a value", "field `pod_labels`: team:"),
        ("pod_labels", "bad key!", "x", "field `pod_labels`"),
        (
            "pod_annotations",
            "checksum/config",
            "x",
            "field `pod_annotations`: \"checksum/config\": checksum/* annotations are the chart's own",
        ),
        ("pod_annotations", "/no-prefix", "x", "field `pod_annotations`"),
    ];
    for (field, key, value, expected) in cases {
        let mut meta = api();
        let map = if field == "pod_labels" { &mut meta.pod_labels } else { &mut meta.pod_annotations };
        map.insert(key.into(), value.into());
        let error = error_of(&meta);
        assert!(error.contains(expected), "{key}: {error}");
    }
}

#[test]
fn a_hook_job_takes_a_sync_wave_only_with_a_reason() {
    let mut job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    job.sync_wave = Some(2);
    let refused = error_of(&job);
    assert!(refused.contains("field `sync_wave`") && refused.contains("job_sync_wave_reason"), "{refused}");
    job.job.sync_wave_reason = "the schema operator syncs in wave 1".into();
    let app = App::from_metadata(&job, Path::new("x.json")).expect("a wave with a reason");
    assert_eq!((app.sync_wave, app.job.expect("job").hook_weight), (Some(2), -5));
    job.sync_wave = None;
    let orphan = error_of(&job);
    assert!(
        orphan.contains("field `job.sync_wave_reason`") && orphan.contains("sync_wave, which is unset"),
        "{orphan}"
    );
    // A plain Job's wave needs no reason, so one given is refused rather than ignored.
    job.sync_wave = Some(2);
    job.job.hook = "none".into();
    assert!(
        error_of(&job).contains("field `job.sync_wave_reason`: is only meaningful for a hook job"),
        "{}",
        error_of(&job)
    );
}

#[test]
fn jobs_restart_never_unless_they_ask_for_on_failure() {
    let mut job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
    let restart = |job: &AppMetadata| {
        App::from_metadata(job, Path::new("x.json")).expect("valid").job.expect("job").restart_policy
    };
    assert_eq!(restart(&job), JobRestartPolicy::Never);
    job.job.restart_policy = Some(JobRestartPolicy::OnFailure);
    assert_eq!(restart(&job), JobRestartPolicy::OnFailure);
    let mut api = api();
    api.job.restart_policy = Some(JobRestartPolicy::OnFailure);
    assert!(error_of(&api).contains("field `job`"), "{}", error_of(&api));
}

#[test]
fn peers_outside_the_chart_are_selected_by_checked_labels() {
    let mut meta = api();
    meta.network_policy.egress_to_selectors = vec![crate::model::SelectorPeerMetadata {
        namespace_labels: [("kubernetes.io/metadata.name".to_string(), "observability".to_string())].into(),
        pod_labels: [("app.kubernetes.io/name".to_string(), "otel-collector".to_string())].into(),
        ports: vec![4317],
    }];
    meta.network_policy.ingress_from_selectors = vec![crate::model::SelectorPeerMetadata {
        namespace_labels: [("team".to_string(), "billing".to_string())].into(),
        ..Default::default()
    }];
    let policy = App::from_metadata(&meta, Path::new("x.json")).expect("valid").network_policy;
    assert_eq!(policy.egress_selectors[0].ports, [4317]);
    assert_eq!(policy.ingress_selectors[0].ports, [8080], "callers reach the app's port by default");
    let mut bad = meta.clone();
    bad.network_policy.egress_to_selectors[0].ports.clear();
    assert!(
        error_of(&bad).contains("field `network_policy.egress_to_selectors[0].ports`: is required"),
        "{}",
        error_of(&bad)
    );
    let mut bad = meta.clone();
    bad.network_policy.ingress_from_selectors[0].namespace_labels =
        [("team".to_string(), "-billing".to_string())].into();
    let error = error_of(&bad);
    assert!(
        error.contains("field `network_policy.ingress_from_selectors[0].namespace_labels.team`")
            && error.contains("is not a Kubernetes label value"),
        "{error}"
    );
    let mut bad = meta.clone();
    bad.network_policy.egress_to_selectors[0].pod_labels = [("bad key!".to_string(), "x".to_string())].into();
    let error = error_of(&bad);
    assert!(
        error.contains("field `network_policy.egress_to_selectors[0].pod_labels`")
            && error.contains("is not a qualified name"),
        "{error}"
    );
    let mut bad = meta.clone();
    bad.network_policy.ingress_from_selectors[0].namespace_labels.clear();
    let error = error_of(&bad);
    assert!(
        error.contains("field `network_policy.ingress_from_selectors[0]`: selects every pod of the release namespace"),
        "{error}"
    );
    let mut portless = worker(r#", "policy_exceptions": {"probes": "reads a queue"}"#);
    portless.network_policy.ingress_from_selectors = meta.network_policy.ingress_from_selectors.clone();
    let error = error_of(&portless);
    assert!(error.contains("ingress_from_selectors[0].ports`: is required for an app without a port"), "{error}");
}

#[test]
fn whole_secrets_and_config_maps_as_env_are_named_by_dns_subdomains_in_order() {
    let app = accepted(|m| {
        m.env_from_secrets = vec!["db-creds".into(), "api.keys".into()];
        m.env_from_configmaps = vec!["shared-settings".into()];
    });
    assert_eq!(app.env_from_secrets, ["db-creds", "api.keys"]);
    assert_eq!(app.env_from_configmaps, ["shared-settings"]);
    assert_refused(
        |m| m.env_from_secrets = vec!["db-creds".into(), "Db_Creds".into()],
        "env_from_secrets",
        "\"Db_Creds\" is not a DNS-1123 subdomain",
    );
    assert_refused(|m| m.env_from_configmaps = vec!["".into()], "env_from_configmaps", "is not a DNS-1123 subdomain");
}
