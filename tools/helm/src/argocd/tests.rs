use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::generate;

/// Seed 004's hybrid pattern: four environments share the non-prod cluster, prod has its own.
const SEED_004: [(&str, &str); 5] = [
    ("dev", "aks-shared-nonprod"),
    ("qa", "aks-shared-nonprod"),
    ("uat", "aks-shared-nonprod"),
    ("staging", "aks-shared-nonprod"),
    ("prod", "aks-shared-prod"),
];

fn spec(extra: Value) -> Value {
    let mut spec = json!({
        "target": "//demo:argocd", "chart_name": "floe-platform", "chart_version": "0.1.0",
        "mode": "applications", "oci_repository": "oci://registry.example.com/charts",
        "project": "default", "argocd_namespace": "argocd", "create_namespace": true,
    });
    for (key, value) in extra.as_object().expect("object") {
        spec[key] = value.clone();
    }
    spec
}

/// Writes the spec and the environments into `dir`; returns their paths.
fn files(dir: &Path, spec: &Value, environments: &[Value]) -> (PathBuf, Vec<PathBuf>) {
    let spec_file = dir.join("argocd.json");
    fs::write(&spec_file, spec.to_string()).expect("write");
    let envs = environments
        .iter()
        .enumerate()
        .map(|(i, env)| {
            let file = dir.join(format!("env{i}.json"));
            fs::write(&file, env.to_string()).expect("write");
            file
        })
        .collect();
    (spec_file, envs)
}

fn seed_environments() -> Vec<Value> {
    SEED_004
        .iter()
        .map(|(name, cluster)| {
            json!({"name": name, "target": format!("//demo:{name}"), "cluster": cluster, "namespace": format!("floe-{name}")})
        })
        .collect()
}

/// The documents generated for `spec` and `environments`, or the error with the directory as DIR.
fn run(spec: Value, environments: &[Value]) -> Result<Vec<Value>, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (spec_file, envs) = files(dir.path(), &spec, environments);
    let text =
        generate(&spec_file, &envs).map_err(|e| e.to_string().replace(&dir.path().display().to_string(), "DIR"))?;
    let again = generate(&spec_file, &envs).expect("second run");
    assert_eq!(text, again, "deterministic");
    Ok(text
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_yaml_ng::from_str(d).expect("each document is YAML"))
        .collect())
}

#[test]
fn one_application_per_environment_of_seed_004_on_two_clusters() {
    let docs = run(spec(json!({"manual_sync": ["prod"]})), &seed_environments()).expect("generates");
    assert_eq!(docs.len(), 5);
    let dev = &docs[0];
    assert_eq!(dev["kind"], "Application");
    assert_eq!(dev["metadata"]["name"], "floe-platform-dev");
    assert_eq!(dev["metadata"]["namespace"], "argocd");
    assert_eq!(dev["metadata"]["labels"]["environment"], "dev");
    assert_eq!(dev["spec"]["destination"], json!({"name": "aks-shared-nonprod", "namespace": "floe-dev"}));
    assert_eq!(
        dev["spec"]["source"],
        json!({
            "repoURL": "oci://registry.example.com/charts/floe-platform", "path": ".", "targetRevision": "0.1.0",
            "helm": {"releaseName": "floe-platform", "valueFiles": ["values-dev.yaml"]}
        })
    );
    assert_eq!(dev["spec"]["syncPolicy"]["automated"], json!({"prune": true, "selfHeal": true}));
    assert_eq!(
        dev["spec"]["syncPolicy"]["syncOptions"],
        json!(["CreateNamespace=true", "ServerSideApply=true", "PruneLast=true", "FailOnSharedResource=true"])
    );
    let prod = &docs[4];
    assert_eq!(prod["spec"]["destination"], json!({"name": "aks-shared-prod", "namespace": "floe-prod"}));
    assert!(prod["spec"]["syncPolicy"].get("automated").is_none(), "prod syncs when asked");
    let clusters: std::collections::BTreeSet<_> =
        docs.iter().map(|d| d["spec"]["destination"]["name"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(clusters.len(), 2, "five environments on two clusters");
}

#[test]
fn an_application_set_rolls_out_by_environment_order_with_values_only_in_elements() {
    let order = ["dev", "qa", "uat", "staging", "prod"];
    let servers =
        json!({"aks-shared-nonprod": "https://nonprod.example.com", "aks-shared-prod": "https://prod.example.com"});
    let docs = run(
        spec(json!({"mode": "applicationset", "progressive_sync": order, "cluster_servers": servers})),
        &seed_environments(),
    )
    .expect("generates");
    assert_eq!(docs.len(), 1);
    let set = &docs[0];
    assert_eq!(set["kind"], "ApplicationSet");
    let elements = set["spec"]["generators"][0]["list"]["elements"].as_array().expect("elements");
    assert_eq!(elements.len(), 5);
    assert_eq!(elements[4]["server"], "https://prod.example.com");
    assert_eq!(elements[4]["namespace"], "floe-prod");
    let template = &set["spec"]["template"];
    assert_eq!(template["spec"]["destination"], json!({"server": "{{.server}}", "namespace": "{{.namespace}}"}));
    assert!(template["spec"]["syncPolicy"].get("automated").is_none(), "the RollingSync controller syncs");
    let steps = set["spec"]["strategy"]["rollingSync"]["steps"].as_array().expect("steps");
    let stepped: Vec<_> = steps.iter().map(|s| s["matchExpressions"][0]["values"][0].clone()).collect();
    assert_eq!(stepped, order.map(Value::from));
    // No user string is in the template: each of its strings is a placeholder or a constant.
    let text = serde_json::to_string(template).expect("json");
    assert!(!text.contains("example.com") && !text.contains("floe-"), "{text}");
}

#[test]
fn a_chart_from_git_or_pinned_by_digest() {
    let git = spec(json!({
        "oci_repository": "", "git_repository": "https://github.com/example/deploy.git",
        "git_path": "charts/floe-platform", "git_revision": "main"
    }));
    let docs = run(git, &seed_environments()[..1]).expect("generates");
    assert_eq!(
        (docs[0]["spec"]["source"]["repoURL"].as_str(), docs[0]["spec"]["source"]["path"].as_str()),
        (Some("https://github.com/example/deploy.git"), Some("charts/floe-platform"))
    );
    let digest = format!("sha256:{}", "a".repeat(64));
    let docs = run(spec(json!({"chart_digest": digest})), &seed_environments()[..1]).expect("generates");
    assert_eq!(docs[0]["spec"]["source"]["targetRevision"], Value::from(digest));
}

#[test]
fn errors_name_the_target_and_the_field() {
    let envs = seed_environments();
    let cases = [
        (spec(json!({"oci_repository": ""})), "//demo:argocd (DIR/argocd.json): field `oci_repository`: is unset"),
        (
            spec(json!({"oci_repository": "registry.example.com"})),
            "field `oci_repository`: \"registry.example.com\" must start with oci://",
        ),
        (spec(json!({"git_repository": "https://x/y.git"})), "field `git_repository`: is set besides oci_repository"),
        (spec(json!({"chart_digest": "sha256:12"})), "field `chart_digest`: \"sha256:12\" is not a digest"),
        (spec(json!({"progressive_sync": ["dev"]})), "field `progressive_sync`: needs mode = \"applicationset\""),
        (
            spec(json!({"mode": "applicationset", "progressive_sync": ["dev", "prod"]})),
            "field `progressive_sync`: leaves out qa, uat, staging",
        ),
        (
            spec(json!({"manual_sync": ["preprod"]})),
            "field `manual_sync`: \"preprod\" is not an environment of the chart",
        ),
        (
            spec(json!({"mode": "applicationset", "cluster_servers": {"aks-shared-prod": "https://prod.example.com"}})),
            "field `cluster_servers`: gives no server for aks-shared-nonprod",
        ),
        (
            spec(json!({"cluster_servers": {"aks-shared-prod": "http://prod"}})),
            "field `cluster_servers.aks-shared-prod`",
        ),
        (spec(json!({"release_name": "Floe"})), "field `release_name`"),
        (
            spec(json!({"cluster_servers": {"aks-prod": "https://prod.example.com"}})),
            "field `cluster_servers`: \"aks-prod\" is no environment's cluster (the environments run on \
             aks-shared-nonprod, aks-shared-prod)",
        ),
        (spec(json!({"mode": "helm"})), "field `mode`: unknown variant `helm`"),
    ];
    for (spec, expected) in cases {
        let error = run(spec, &envs).expect_err("refused");
        assert!(error.contains(expected), "expected {expected:?} in {error:?}");
    }
    let no_cluster = [json!({"name": "dev", "target": "//demo:dev", "namespace": "floe-dev"})];
    let error = run(spec(json!({})), &no_cluster).expect_err("no cluster");
    assert_eq!(
        error,
        "//demo:dev (DIR/env0.json): field `cluster`: is unset: //demo:argocd (DIR/argocd.json) cannot send \
         environment \"dev\" to a cluster without one"
    );
    let no_namespace = [json!({"name": "dev", "target": "//demo:dev", "cluster": "c"})];
    assert!(run(spec(json!({})), &no_namespace).expect_err("no namespace").contains("field `namespace`: is unset"));
    assert!(run(spec(json!({})), &[]).expect_err("none").contains("field `chart`: has no environments"));
}

/// The error of `spec` (with `extra` over the defaults) for seed 004's environments.
fn spec_error(extra: Value) -> String {
    run(spec(extra), &seed_environments()).expect_err("refused")
}

#[test]
fn release_names_stop_at_helms_53_characters() {
    let longest = format!("r{}", "e".repeat(52));
    let docs = run(spec(json!({"release_name": longest})), &seed_environments()[..1]).expect("53 characters");
    assert_eq!(docs[0]["spec"]["source"]["helm"]["releaseName"], Value::from(longest.as_str()));
    let too_long = format!("r{}", "e".repeat(53));
    assert_eq!(
        spec_error(json!({"release_name": too_long})),
        format!(
            "//demo:argocd (DIR/argocd.json): field `release_name`: \"{too_long}\" is longer than Helm's 53 characters"
        )
    );
}

#[test]
fn any_git_field_beside_the_oci_repository_is_refused() {
    for field in ["git_repository", "git_path", "git_revision"] {
        let error = spec_error(json!({ field: "x" }));
        assert!(
            error.ends_with(
                "field `git_repository`: is set besides oci_repository: the chart comes from one of them; remove one"
            ),
            "{field}: {error}"
        );
    }
}

#[test]
fn a_chart_from_git_needs_a_url_a_relative_path_and_a_revision() {
    let git = |url: &str, path: &str, revision: &str| json!({"oci_repository": "", "git_repository": url, "git_path": path, "git_revision": revision});
    let ok = [
        ("https://example.com/deploy.git", "charts/a", "main"),
        ("ssh://git@example.com/deploy.git", "a", "v1.2.3"),
        ("git@example.com:team/deploy.git", "a/b/c", "0123abcd"),
    ];
    for (url, path, revision) in ok {
        let docs = run(spec(git(url, path, revision)), &seed_environments()[..1]).expect("accepted");
        let source = &docs[0]["spec"]["source"];
        assert_eq!(
            (&source["repoURL"], &source["path"], &source["targetRevision"]),
            (&json!(url), &json!(path), &json!(revision))
        );
    }
    let url = "https://example.com/deploy.git";
    let cases = [
        (git("ftp://example.com/deploy.git", "a", "main"), "field `git_repository`: \"ftp://example.com/deploy.git\" is not a git repository URL (https://, ssh:// or git@host:path)"),
        (git("https://example.com/a b.git", "a", "main"), "field `git_repository`: \"https://example.com/a b.git\" is not a git repository URL"),
        (git("https://example.com/a\u{7}.git", "a", "main"), "field `git_repository`: \"https://example.com/a\\u{7}.git\" is not a git repository URL"),
        (git(url, "", "main"), "field `git_path`: \"\" is not a relative path to the chart's directory in the repository"),
        (git(url, "/charts/a", "main"), "field `git_path`: \"/charts/a\" is not a relative path"),
        (git(url, "charts//a", "main"), "field `git_path`: \"charts//a\" is not a relative path"),
        (git(url, "charts/a/", "main"), "field `git_path`: \"charts/a/\" is not a relative path"),
        (git(url, "charts/../a", "main"), "field `git_path`: \"charts/../a\" is not a relative path"),
        (git(url, "..", "main"), "field `git_path`: \"..\" is not a relative path"),
        (git(url, "charts/a b", "main"), "field `git_path`: \"charts/a b\" is not a relative path"),
        (git(url, "charts/a\u{1}", "main"), "field `git_path`: \"charts/a\\u{1}\" is not a relative path"),
        (git(url, "a", " "), "field `git_revision`: \" \" is not a branch, tag or commit"),
        (git(url, "a", "main x"), "field `git_revision`: \"main x\" is not a branch, tag or commit"),
        (git(url, "a", "main\u{1}"), "field `git_revision`: \"main\\u{1}\" is not a branch, tag or commit"),
        (
            json!({"oci_repository": "", "git_repository": url, "git_path": "a"}),
            "field `git_revision`: \"\" is not a branch, tag or commit",
        ),
    ];
    for (extra, expected) in cases {
        let error = spec_error(extra);
        assert!(
            error.starts_with("//demo:argocd (DIR/argocd.json): ") && error.contains(expected),
            "expected {expected:?} in {error:?}"
        );
    }
    let pinned = json!({"oci_repository": "", "git_repository": url, "git_path": "a", "git_revision": "main", "chart_digest": format!("sha256:{}", "a".repeat(64))});
    assert!(spec_error(pinned)
        .ends_with("field `chart_digest`: pins an OCI artifact; a chart from git is pinned by git_revision"));
}

#[test]
fn oci_repositories_and_digests_are_checked() {
    let docs = run(spec(json!({"oci_repository": "oci://localhost:5000/a_b/c.d-e/"})), &seed_environments()[..1])
        .expect("accepted");
    assert_eq!(docs[0]["spec"]["source"]["repoURL"], "oci://localhost:5000/a_b/c.d-e/floe-platform");
    for bad in
        ["oci://", "oci:///", "oci://registry.example.com//charts", "oci://registry example.com/charts", "oci://r/ü"]
    {
        let error = spec_error(json!({"oci_repository": bad}));
        assert!(error.ends_with(&format!("field `oci_repository`: {bad:?} is not oci://HOST/PATH")), "{bad}: {error}");
    }
    let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
    let docs = run(spec(json!({"chart_digest": digest})), &seed_environments()[..1]).expect("accepted");
    assert_eq!(docs[0]["spec"]["source"]["targetRevision"], Value::from(digest.as_str()));
    for bad in [
        format!("sha256:{}", "A".repeat(64)),
        format!("sha256:{}", "g".repeat(64)),
        format!("sha256:{}", "a".repeat(65)),
        format!("sha512:{}", "a".repeat(64)),
    ] {
        let error = spec_error(json!({"chart_digest": bad}));
        assert!(
            error.ends_with(&format!(
                "field `chart_digest`: {bad:?} is not a digest sha256:<64 lowercase hex digits> (as `.push` prints it)"
            )),
            "{bad}: {error}"
        );
    }
}

#[test]
fn cluster_servers_are_https_urls() {
    for bad in ["https://", "http://prod.example.com", "https://prod example.com", "https://prod\u{7}"] {
        let error = spec_error(json!({"cluster_servers": {"aks-shared-prod": bad}}));
        assert!(
            error.ends_with(&format!("field `cluster_servers.aks-shared-prod`: {bad:?} is not an https:// URL")),
            "{bad}: {error}"
        );
    }
}

#[test]
fn lists_of_environments_name_each_once() {
    assert!(spec_error(json!({"manual_sync": ["prod", "prod"]})).ends_with("field `manual_sync`: names \"prod\" twice"));
    let twice = json!({"mode": "applicationset", "progressive_sync": ["dev", "qa", "uat", "staging", "prod", "qa"]});
    assert!(spec_error(twice).ends_with("field `progressive_sync`: names \"qa\" twice"));
    let mut envs = seed_environments();
    envs.push(envs[1].clone());
    let error = run(spec(json!({})), &envs).expect_err("an environment twice");
    assert_eq!(error, "//demo:argocd (DIR/argocd.json): field `chart`: names environment \"qa\" twice");
    let order = json!(["dev", "qa", "uat", "staging", "prod"]);
    let both = json!({"mode": "applicationset", "progressive_sync": order, "manual_sync": ["prod"]});
    assert!(spec_error(both).ends_with(
        "field `manual_sync`: is set with progressive_sync, whose controller syncs every environment step by step; use one of them"
    ));
    let manual_set = json!({"mode": "applicationset", "manual_sync": ["prod"]});
    assert!(spec_error(manual_set).ends_with("field `manual_sync`: is per Application; an ApplicationSet's template syncs every environment alike (use mode = \"applications\", or progressive_sync)"));
}

#[test]
fn an_application_set_by_cluster_name_follows_the_promotion_order() {
    let order = ["prod", "staging", "dev", "uat", "qa"];
    let docs = run(
        spec(json!({"mode": "applicationset", "progressive_sync": order, "create_namespace": false})),
        &seed_environments(),
    )
    .expect("generates");
    let set = &docs[0];
    let elements = set["spec"]["generators"][0]["list"]["elements"].as_array().expect("elements");
    let names: Vec<_> = elements.iter().map(|e| e["environment"].clone()).collect();
    assert_eq!(names, order.map(Value::from));
    assert_eq!(elements[0]["cluster"], "aks-shared-prod");
    assert!(elements.iter().all(|e| e.get("server").is_none()), "addressed by name");
    let template = &set["spec"]["template"]["spec"];
    assert_eq!(template["destination"], json!({"name": "{{.cluster}}", "namespace": "{{.namespace}}"}));
    assert_eq!(
        template["syncPolicy"]["syncOptions"],
        json!(["ServerSideApply=true", "PruneLast=true", "FailOnSharedResource=true"])
    );
    // Without progressive sync: automated, no strategy, the chart's order.
    let docs = run(spec(json!({"mode": "applicationset"})), &seed_environments()).expect("generates");
    let set = &docs[0];
    assert!(set["spec"].get("strategy").is_none(), "{set}");
    assert_eq!(set["spec"]["template"]["spec"]["syncPolicy"]["automated"], json!({"prune": true, "selfHeal": true}));
    let names: Vec<_> = set["spec"]["generators"][0]["list"]["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|e| e["environment"].clone())
        .collect();
    assert_eq!(names, SEED_004.map(|(name, _)| Value::from(name)));
}

#[test]
fn the_output_is_written_whole_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("argocd.yaml");
    fs::write(&output, "old").expect("write");
    super::write(&output, "---\nkind: Application\n").expect("written");
    assert_eq!(fs::read_to_string(&output).expect("read"), "---\nkind: Application\n");
    assert!(!dir.path().join("argocd.partial").exists(), "the partial file is renamed");
    let missing = dir.path().join("no-such-dir").join("argocd.yaml");
    let error = super::write(&missing, "x").expect_err("no directory").to_string();
    assert!(error.starts_with(&format!("{}: ", missing.with_extension("partial").display())), "{error}");
}
