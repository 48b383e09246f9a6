//! `import` against the real Helm: what it writes, what it reports for kinds and fields the
//! rules cannot express, hostile strings, and the BUILD files it must not destroy.

mod support;

use std::fs;

use chart_migrate::import::emit::{BEGIN, END};
use chart_migrate::import::starlark::parse_string;
use support::{copy_dir, import, import_command, legacy_shop, library, output_of, testdata, text};

/// Runs import into a temporary BUILD file; returns (stdout, BUILD text).
fn import_into(chart: &std::path::Path, extra: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("BUILD.bazel");
    let out =
        import(&[&["--chart", text(chart), "--package", "//demo/x", "--output", text(&output)][..], extra].concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    (out.stdout, fs::read_to_string(&output).unwrap())
}

#[test]
fn legacy_shop_imports_as_four_apps_of_the_right_types() {
    let (report, build) = import_into(&legacy_shop(), &[]);
    for line in [
        "  api: internal-api from Deployment/api, Service/api, ConfigMap/config\n",
        "  migrations: job from Job/migrations\n",
        "  web: external-api from Deployment/web, Service/web, Ingress/web, HorizontalPodAutoscaler/web\n",
        "  worker: worker from Deployment/worker\n",
        "  (ingress_mode per-app: each Ingress of the chart routes to one app)\n",
        "  --rename ConfigMap/config=api\n",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    for declaration in [
        "    name = \"web\",\n    app_type = \"external-api\",\n    autoscaling_enabled = True,\n",
        "    ingress_host = \"shop.example.com\",\n",
        "    secret_env = {\"DATABASE_URL\": \"shop-database/url\"},\n",
        "    env_from_secrets = [\"shop-rabbitmq\"],\n",
        "    config_mount_path = \"/etc/shop\",\n",
        "    ingress_mode = \"per-app\",\n",
        // The worker's terminationGracePeriodSeconds: 120.
        "    shutdown_grace_period_seconds = 120,\n",
        // The migration hook's weight "-1" and its Job without a TTL (kept until deleted).
        "    job_hook_weight = -1,\n    job_keep_finished = True,\n",
        // The worker has no probes: kept, with the exception and its reason.
        "    policy_exceptions = {\n        \"probes\": \"imported from a chart",
    ] {
        assert!(build.contains(declaration), "missing {declaration:?} in\n{build}");
    }
}

#[test]
fn every_field_the_rules_cannot_express_is_reported() {
    let (report, _) = import_into(&legacy_shop(), &[]);
    for line in [
        "  Service/api spec.ports[http].port: 8080: generated Services listen on 80 (forwarding to the container port) unless service_port is set: set service_port = 8080 to keep the port clients use\n",
        "  Ingress/web spec.ingressClassName: nginx: the IngressClass is chart-wide in generated charts: set ingress.className in values\n",
        "  Deployment/web spec.template.spec.containers[web]: liveness and readiness both GET /, and the rules need distinct paths: tcp instead",
        "  Deployment/web: env[API_URL] = http://release-name-legacy-shop-api:8080: rendered from the release name \"release-name\"",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    // The api's checksum of its own ConfigMap is what the generated chart writes too, and the
    // worker's grace period and tolerations are attributes now.
    for field in ["checksum/config", "terminationGracePeriodSeconds", "tolerations"] {
        assert!(!report.contains(field), "{field} in\n{report}");
    }
}

#[test]
fn kinds_the_rules_cannot_express_are_reported_one_line_each() {
    let (report, build) = import_into(&testdata("unsupported"), &[]);
    for line in [
        // A StatefulSet is a stateful app; without a claim template, the report asks for storage.
        "  db: stateful from StatefulSet/db\n",
        "  StatefulSet/db: no volume claim template the rules take (one, ReadWriteOnce, mounted at one directory): a \
         stateful app needs storage_size and storage_mount_path, set them by hand\n",
        // A DaemonSet is a daemon app.
        "  log-agent: daemon from DaemonSet/log-agent\n",
        "  Certificate/tls: a custom resource (cert-manager.io/v1) is not expressible: not imported",
        "  NetworkPolicy/deny: network policies come from the network_policy_* attributes",
        "  Secret/credentials: secret values never go into a generated chart",
        "  Deployment/worker spec.template.spec.containers[sidecar]: {\"image\":\"envoyproxy/envoy:v1.30.0\",\"name\":\"sidecar\"}: a second container is not expressible (an app has one container)\n",
        "  Deployment/worker spec.template.spec.containers[worker].env[POD_NAME]: ",
        "  Deployment/worker spec.template.spec.containers[worker].image: registry.example.com:5000/worker: no tag (Kubernetes pulls latest), which the rules refuse; set image_tag by hand\n",
        "  Deployment/worker metadata.labels.team: payments: custom labels are not expressible",
        // A worker without probes keeps them off only with a declared, explained exception.
        "  Deployment/worker spec.template.spec.containers[worker]: no probes: kept with policy_exceptions",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    // A Secret's values never reach the report.
    assert!(!report.contains("hunter2"), "{report}");
    assert!(!report.contains("initContainers"), "{report}");
    assert!(
        // The pods' own label (the chart's selector) is kept as a pod label.
        // Its init container is one of init_containers.
        build.contains(
            "    image_repository = \"registry.example.com:5000/worker\",\n    init_containers = [{\"image\": \
             {\"repository\": \"busybox\", \"tag\": \"1.36\"}, \"name\": \"wait\"}],\n    pod_labels = \
             {\"app\": \"worker\"},\n    policy_exceptions = {\n"
        ),
        "{build}"
    );
}

/// The Starlark text of `build` with every string literal replaced by `S`, and the
/// literals' values: what a Starlark lexer would see as code and as data.
fn code_and_strings(build: &str) -> (String, Vec<String>) {
    let (mut code, mut strings) = (String::new(), Vec::new());
    let mut rest = build;
    while let Some(start) = rest.find(['"', '#']) {
        code.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('#') {
            let end = rest.find('\n').unwrap_or(rest.len());
            code.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let mut end = 1;
        let bytes = rest.as_bytes();
        while bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        strings.push(parse_string(&rest[..=end]).expect("a literal import wrote reads back"));
        code.push('S');
        rest = &rest[end + 1..];
    }
    code.push_str(rest);
    (code, strings)
}

#[test]
fn a_hostile_chart_cannot_inject_starlark() {
    let (_, build) = import_into(&testdata("hostile"), &[]);
    let (code, strings) = code_and_strings(&build);
    // Exactly the calls import writes; no string became code.
    let calls: Vec<&str> = code.lines().filter(|l| !l.starts_with([' ', '#', ')']) && !l.is_empty()).collect();
    assert_eq!(calls, ["load(S, S, S)", "release_app(", "helm_chart("], "{code}");
    assert!(!code.contains("evil"), "{code}");
    // Every hostile string arrives exactly as the chart rendered it.
    for expected in [
        "\")\nrelease_app(name = \"evil_env\")\n#",
        "\"\"\" ''' \\ \\\" \\n",
        "{{ .Values.secret }} $(location //x) ${HOME} %{label}",
        "tab\there\u{1}\u{1b}\rreturn",
        "\u{2028}\u{2029}\u{feff}\u{85} é 日本",
        "--flag=\")\nevil_args()\n\"",
        "# not a comment",
        "[section]\nkey = \"value\" \\ end\n",
    ] {
        assert!(strings.iter().any(|s| s == expected), "{expected:?} not written as a literal of its own:\n{build}");
    }
    // Every line is printable: nothing a reader or an editor would take for a line break.
    assert!(build.lines().all(|l| !l.chars().any(|c| c.is_ascii_control() && c != '\t')), "{build}");
}

#[test]
fn hand_written_parts_of_the_build_file_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("BUILD.bazel");
    let above = "load(\"//tools/chart_migrate:defs.bzl\", \"chart_import_test\")\n\n";
    let below = "\nchart_import_test(\n    name = \"import_test\",\n)\n";
    fs::write(&output, format!("{above}{BEGIN}\nstale\n{END}\n{below}")).unwrap();
    let chart = legacy_shop();
    let args = ["--chart", text(&chart), "--package", "//demo/x", "--output", text(&output)];
    let out = import(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = fs::read_to_string(&output).unwrap();
    assert!(written.starts_with(&format!("{above}{BEGIN}\n")), "{written}");
    assert!(written.ends_with(&format!("{END}\n{below}")), "{written}");
    assert!(!written.contains("stale"));

    // --check: current now; one changed line later is reported, and nothing is written.
    let check = import(&[&args[..], &["--check"]].concat());
    assert_eq!(check.code, 0, "{}", check.stderr);
    fs::write(&output, written.replace("shop.example.com", "old.example.com")).unwrap();
    let check = import(&[&args[..], &["--check"]].concat());
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains("-  ") && check.stderr.contains("    ingress_host = \"shop.example.com\","),
        "{}",
        check.stderr
    );
    assert!(fs::read_to_string(&output).unwrap().contains("old.example.com"));
}

#[test]
fn a_build_file_import_did_not_write_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("BUILD.bazel");
    fs::write(&output, "release_app(name = \"mine\")\n").unwrap();
    let out = import(&["--chart", text(&legacy_shop()), "--package", "//demo/x", "--output", text(&output)]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "import: error: output {}: it has no region generated by import (no BEGIN marker line); import replaces \
             only its own region, so it leaves this file alone\n",
            output.display()
        )
    );
    assert_eq!(fs::read_to_string(&output).unwrap(), "release_app(name = \"mine\")\n");
}

#[test]
fn bad_input_is_named() {
    let not_a_chart = testdata("not-a-chart");
    let out = import(&["--chart", text(&not_a_chart), "--package", "//demo/x", "--output", "/dev/null"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!("import: error: {} is not a chart: the directory has no Chart.yaml\n", not_a_chart.display())
    );

    let broken = testdata("broken");
    let out = import(&["--chart", text(&broken), "--package", "//demo/x", "--output", "/dev/null"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the chart fails to render: helm render failed with HELM_ERR_RENDER (-23): execution error at (broken/templates/configmap.yaml:2:4): values: database is required"), "{}", out.stderr);

    let out = import(&["--chart", text(&legacy_shop()), "--package", "demo/x"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "import: error: --package \"demo/x\" is not a Bazel package label such as //demo/shop\n");
}

#[test]
fn values_files_change_what_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    fs::write(&values, "web:\n  ingress:\n    enabled: false\n").unwrap();
    let (report, build) = import_into(&legacy_shop(), &["--values", text(&values)]);
    // Without its Ingress the storefront is an internal API, and the re-run command says why.
    assert!(
        report.contains("  web: internal-api from Deployment/web, Service/web, HorizontalPodAutoscaler/web\n"),
        "{report}"
    );
    assert!(
        build.contains(&format!("--chart {} --values {} --package //demo/x\n", text(&legacy_shop()), text(&values))),
        "{build}"
    );
    assert!(!build.contains("ingress_host"), "{build}");
}

/// streamdash: a hand-written chart written for these tests in the style of a well-known
/// public one (a Deployment without spec.replicas, exec probes, a Secret and a ConfigMap
/// mounted as files through `items`, three container ports, `helm test` pods).
fn streamdash() -> std::path::PathBuf {
    testdata("streamdash")
}

#[test]
fn absent_replicas_are_kubernetes_one_not_the_rules_two() {
    let (report, build) = import_into(&streamdash(), &[]);
    let app = build.split("release_app(").find(|a| a.contains("name = \"streamdash\"")).unwrap();
    assert!(app.contains("    app_type = \"internal-api\",\n"), "{app}");
    assert!(app.contains("    replicas = 1,\n"), "{app}");
    // One pod: the generated chart renders no disruption budget, and the report has no line about one.
    assert!(!report.contains("PodDisruptionBudget"), "{report}");
}

#[test]
fn a_configmap_volume_with_items_is_mounted_as_the_same_files() {
    let (report, build) = import_into(&streamdash(), &[]);
    let cache = build.split("release_app(").find(|a| a.contains("name = \"cache\"")).unwrap();
    assert!(cache.contains("    config_mount_path = \"/cache-config\",\n"), "{cache}");
    // Its port is named redis: tcp, whose generated Service keeps 6379 (no report line).
    assert!(cache.contains("    protocol = \"tcp\",\n"), "{cache}");
    assert!(!report.contains("  Service/cache spec.ports"), "{report}");
    // The key cache.conf is mounted as redis.conf: config_data holds the file's name.
    assert!(cache.contains("    config_data = {\"redis.conf\": \"maxmemory 64mb\\nmaxmemory-policy allkeys-lru\\nsave \\\"\\\"\\n\"},\n"), "{cache}");
    assert!(report.contains(
        "  Deployment/cache spec.template.spec.volumes[config].configMap.items: config_data is imported under the file \
         names (cache.conf -> redis.conf)"
    ), "{report}");
    assert!(!report.contains("environment variables instead of files"), "{report}");
}

#[test]
fn a_secret_volume_with_items_is_mounted_and_its_renamed_files_reported() {
    let (report, build) = import_into(&streamdash(), &[]);
    assert!(build.contains("    secret_mounts = {\"/etc/streamdash/tls\": \"streamdash-tls\"},\n"), "{build}");
    // The emptyDir on /data is a writable directory on the generated pod's read-only root.
    assert!(build.contains("    security_writable_paths = [\"/data\"],\n"), "{build}");
    assert!(
        build.contains("        \"read-only-root-filesystem\": \"imported from a chart whose pod writes"),
        "{build}"
    );
    assert!(report.contains(
        "  Deployment/streamdash spec.template.spec.volumes[tls].secret.items: files tls.crt -> cert.pem, tls.key -> \
         key.pem are named after the Secret's keys in the generated pod"
    ), "{report}");
}

#[test]
fn exec_probes_become_health_command() {
    let (report, build) = import_into(&streamdash(), &[]);
    let cache = build.split("release_app(").find(|a| a.contains("name = \"cache\"")).unwrap();
    assert!(cache.contains("    health_command = [\"redis-cli\", \"ping\"],\n"), "{cache}");
    assert!(!cache.contains("health_probe"), "{cache}");
    let web = build.split("release_app(").find(|a| a.contains("name = \"streamdash\"")).unwrap();
    assert!(
        web.contains("    health_command = [\"streamcli\", \"check\", \"http\", \"localhost:9898/healthz\"],\n"),
        "{web}"
    );
    assert!(report.contains(
        "  Deployment/streamdash spec.template.spec.containers[streamdash].readinessProbe: runs [streamcli, check, \
         http, localhost:9898/readyz] and liveness [streamcli, check, http, localhost:9898/healthz]: the rules run one \
         health_command for both"
    ), "{report}");
    assert!(!report.contains("two probes of one kind"), "{report}");
}

#[test]
fn report_lines_carry_no_debug_text_and_say_how_to_express_what_is_lost() {
    let (report, build) = import_into(&streamdash(), &[]);
    for debug in ["Some(", "None", "[\"", "\\\""] {
        assert!(!report.contains(debug), "{debug:?} in\n{report}");
    }
    assert!(report.contains(
        "  Deployment/streamdash spec.template.spec.containers[streamdash].ports[http-metrics]: port 9797: an app has \
         one port (the first, 9898, is imported as port) and the generated pod does not declare this one; if it serves \
         Prometheus metrics, set metrics_port = 9797 (a ServiceMonitor scrapes it)\n"
    ), "{report}");
    // A named port besides the first is one of `ports` (its name says it speaks grpc).
    assert!(!report.contains("ports[grpc]"), "{report}");
    // The chart's Service does not serve it; the generated one does, and the report says so.
    assert!(
        report.contains(
            "  Service/streamdash spec.ports: the chart's Service has no port for the container port grpc (9999); the \
         generated Service has one (every entry of ports is a Service port)\n"
        ),
        "{report}"
    );
    assert!(
        build.contains("    ports = [{\"app_protocol\": \"grpc\", \"name\": \"grpc\", \"port\": 9999}],\n"),
        "{build}"
    );
}

/// Issue 22's "done when": a hand-written chart using pull secrets, pod annotations and
/// labels, scheduling, shutdown, a startup probe, init containers and a native sidecar,
/// volumes, named ports, a LoadBalancer Service, a DaemonSet and a Job restarting OnFailure
/// imports with none of them reported as unexpressible; what is left asks the user to act.
#[test]
fn production_fields_import_with_nothing_unexpressible() {
    let (report, build) = import_into(&testdata("production"), &[]);
    let lost: Vec<&str> =
        report.lines().skip_while(|l| !l.starts_with("Not reproduced")).skip(1).take_while(|l| !l.is_empty()).collect();
    assert_eq!(
        lost,
        [
            "  Deployment/api spec.template.spec.volumes[data]: volume data: an existing claim; its access_mode is \
             unset, which the rules read as ReadWriteOnce (one replica, replaced with Recreate): set access_mode if the \
             claim is shared",
            "  Deployment/api spec.template.spec.volumes[data].name: volume data: imported as data-volume, as data is a \
             name of the generated chart's own volumes (tmp, config, data, secret-<n>, writable-<n>); the mount is the \
             same",
            "  Service/api spec.type: LoadBalancer: imported as service_type with a placeholder service_reason; the \
             rules require the reason this app is reached from outside the cluster: replace it",
        ],
        "{report}"
    );
    assert!(report.contains("  agent: daemon from DaemonSet/agent\n"), "{report}");
    for attribute in [
        "image_pull_secrets = [\"registry-credentials\"]",
        "pod_annotations = {\"sidecar.istio.io/inject\": \"true\"}",
        "scheduling_node_selector = {\"pool\": \"general\"}",
        "scheduling_priority_class_name = \"business-critical\"",
        "scheduling_node_affinity = [",
        "scheduling_topology_spread = [",
        "scheduling_tolerations = [{\"operator\": \"Exists\"}]",
        "shutdown_grace_period_seconds = 45",
        "shutdown_pre_stop_sleep_seconds = 5",
        "health_startup_seconds = 300",
        "\"name\": \"sql-proxy\", \"resources\": {\"cpu_request\": \"50m\", \"memory_request\": \"64Mi\"}, \"sidecar\": True}",
        "{\"app_protocol\": \"grpc\", \"name\": \"grpc\", \"port\": 9090}",
        "service_type = \"LoadBalancer\"",
        "\"persistent_volume_claim\": {\"existing_claim\": \"api-data\"}",
        "{\"empty_dir\": {\"memory\": True, \"size_limit\": \"64Mi\"}",
        "\"service_account_token\": {\"audience\": \"vault\", \"expiration_seconds\": 600}",
        "app_type = \"daemon\",\n    daemon_max_unavailable = \"10%\"",
        "job_restart_policy = \"OnFailure\"",
    ] {
        assert!(build.contains(attribute), "missing {attribute:?} in\n{build}");
    }
}

/// Under `bazel run`, relative paths are where the user typed them (BUILD_WORKING_DIRECTORY),
/// the BUILD file goes to the package in the workspace (BUILD_WORKSPACE_DIRECTORY), whose
/// directory is created, and the re-run command names the paths from the workspace.
#[test]
fn under_bazel_run_the_build_file_goes_to_the_package_in_the_workspace() {
    let workspace = tempfile::tempdir().unwrap();
    let started_in = tempfile::tempdir().unwrap();
    let team = workspace.path().join("team");
    copy_dir(&legacy_shop(), &team.join("shop-chart"));
    fs::write(team.join("values.yaml"), "web:\n  ingress:\n    enabled: false\n").unwrap();
    let library = library();
    let out = output_of(
        import_command()
            .args(["--helm-library", text(&library), "--chart", "shop-chart", "--values", "values.yaml"])
            .args(["--package", "//team/shop", "--release", "shop"])
            .env("BUILD_WORKING_DIRECTORY", &team)
            .env("BUILD_WORKSPACE_DIRECTORY", workspace.path())
            .current_dir(started_in.path()),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let output = team.join("shop/BUILD.bazel");
    assert!(out.stdout.ends_with(&format!("\nWrote {}\n", output.display())), "{}", out.stdout);
    // Rendered as the release given: its name is in what the report shows of the chart.
    assert!(
        out.stdout.contains("http://shop-legacy-shop-api:8080: rendered from the release name \"shop\""),
        "{}",
        out.stdout
    );
    let build = fs::read_to_string(&output).unwrap();
    assert!(
        build.contains(
            "\n# tools/bazel run //tools/helm:import -- --chart team/shop-chart --values team/values.yaml --release \
             shop --package //team/shop\n"
        ),
        "{build}"
    );
    // The values file was read: without its Ingress the storefront has no host.
    assert!(!build.contains("ingress_host"), "{build}");
    assert_eq!(fs::read_dir(started_in.path()).unwrap().count(), 0, "import wrote into the directory it started in");
}

#[test]
fn check_without_the_build_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("BUILD.bazel");
    let out = import(&["--chart", text(&legacy_shop()), "--package", "//demo/x", "--output", text(&output), "--check"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stderr, format!("import: error: {}: No such file or directory (os error 2)\n", output.display()));
    assert!(!output.exists());
}

#[test]
fn only_plain_package_labels_are_taken() {
    for package in
        ["demo/x", "//demo/./x", "//demo/../x", "//..", "//.", "//demo//x", "//demo/x/", "//demo x", "//demo/x:y"]
    {
        let out = import(&["--chart", text(&legacy_shop()), "--package", package]);
        assert_eq!(out.code, 2, "{package}: {}{}", out.stdout, out.stderr);
        assert_eq!(
            out.stderr,
            format!("import: error: --package {package:?} is not a Bazel package label such as //demo/shop\n")
        );
    }
    // The workspace's root package is one.
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("BUILD.bazel");
    let out = import(&["--chart", text(&legacy_shop()), "--package", "//", "--output", text(&output)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(fs::read_to_string(&output).unwrap().contains(" --package //\n"));
}

/// The library comes from --helm-library (a path of the user's), else from a non-empty
/// HELM_C_LIBRARY; a chart that is not one shows the library loaded.
#[test]
fn the_helm_library_comes_from_the_flag_else_from_helm_c_library() {
    let not_a_chart = testdata("not-a-chart");
    let args = ["--chart", text(&not_a_chart), "--package", "//demo/x", "--output", "/dev/null"];
    let no_library = "import: error: no Helm library: pass --helm-library PATH or set HELM_C_LIBRARY (under `bazel \
                      run` the binary finds it in its runfiles)\n";
    let not_a_chart_error =
        format!("import: error: {} is not a chart: the directory has no Chart.yaml\n", not_a_chart.display());
    let library = library();
    for (variable, expected) in
        [(None, no_library), (Some(""), no_library), (Some(text(&library)), &*not_a_chart_error)]
    {
        let mut command = import_command();
        command.args(args);
        match variable {
            Some(value) => command.env("HELM_C_LIBRARY", value),
            None => command.env_remove("HELM_C_LIBRARY"),
        };
        let out = output_of(&mut command);
        assert_eq!((out.code, out.stderr.as_str()), (2, expected), "HELM_C_LIBRARY={variable:?}");
    }
    let user_dir = tempfile::tempdir().unwrap();
    let out = output_of(
        import_command()
            .args(["--helm-library", "lib/libhelm_c.so"])
            .args(args)
            .env("HELM_C_LIBRARY", &library)
            .env("BUILD_WORKING_DIRECTORY", user_dir.path()),
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let expected =
        format!("import: error: cannot load the Helm library {}: ", user_dir.path().join("lib/libhelm_c.so").display());
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
}
