//! Hardening defaults an app relaxes, and the policy exceptions that must excuse each one:
//! a relaxation without its exception, or an exception without its relaxation, fails.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::SecurityMetadata;
use crate::origin::Origin;

/// The UID (and group) every pod runs as unless the app says otherwise.
pub const DEFAULT_UID: u32 = 10001;
/// Scanners (kube-score, checkov CKV_K8S_40) flag UIDs at or below this one: they may be
/// those of users on the node.
const LOW_UID_MAX: u32 = 10000;
/// Longest reason accepted; it becomes an annotation value (Kubernetes allows 256 KiB for
/// all of an object's annotations together).
const REASON_MAX: usize = 1024;

/// A hardening default an app may be excused from, with what each scanner calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exception {
    RunAsUser,
    ReadOnlyRootFilesystem,
    Probes,
}

impl Exception {
    pub const ALL: [Exception; 3] = [Exception::RunAsUser, Exception::ReadOnlyRootFilesystem, Exception::Probes];

    /// Name in metadata (`policy_exceptions`), and the validator's rule it waives.
    pub fn name(self) -> &'static str {
        match self {
            Exception::RunAsUser => "run-as-user",
            Exception::ReadOnlyRootFilesystem => "read-only-root-filesystem",
            Exception::Probes => "probes",
        }
    }

    /// Key under `policyExceptions` in values.yaml (lowerCamelCase).
    fn values_key(self) -> &'static str {
        match self {
            Exception::RunAsUser => "runAsUser",
            Exception::ReadOnlyRootFilesystem => "readOnlyRootFilesystem",
            Exception::Probes => "probes",
        }
    }

    /// Checkov's check ids (`checkov.io/skipN: <id>=<reason>`).
    fn checkov(self) -> &'static [&'static str] {
        match self {
            Exception::RunAsUser => &["CKV_K8S_40"],
            Exception::ReadOnlyRootFilesystem => &["CKV_K8S_22"],
            Exception::Probes => &["CKV_K8S_8", "CKV_K8S_9"],
        }
    }

    /// kube-linter's checks (`ignore-check.kube-linter.io/<check>: <reason>`); it has none
    /// for a low UID (its run-as-non-root only refuses 0, which stays refused).
    fn kube_linter(self) -> &'static [&'static str] {
        match self {
            Exception::RunAsUser => &[],
            Exception::ReadOnlyRootFilesystem => &["no-read-only-root-fs"],
            Exception::Probes => &["no-liveness-probe", "no-readiness-probe"],
        }
    }

    /// kube-score's checks (`kube-score/ignore: <check>,...`).
    fn kube_score(self) -> &'static [&'static str] {
        match self {
            Exception::RunAsUser => &["container-security-context-user-group-id"],
            Exception::ReadOnlyRootFilesystem => &["container-security-context-readonlyrootfilesystem"],
            Exception::Probes => &["pod-probes"],
        }
    }

    fn from_name(name: &str) -> Option<Exception> {
        Exception::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// The app's security settings as values.yaml holds them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Security {
    pub run_as_user: u32,
    pub writable_root_filesystem: bool,
    pub writable_paths: Vec<WritablePath>,
}

/// A writable directory: an emptyDir mounted there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WritablePath {
    /// Volume name (`writable-<n>`).
    pub volume: String,
    pub path: String,
}

/// `checkov.io/skip<n>: <id>=<reason>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckovSkip {
    /// The n of `checkov.io/skip<n>`, counted across the app's exceptions.
    pub number: u32,
    pub id: &'static str,
}

/// One declared exception, with the scanner annotations that carry its reason. Only names
/// and check ids are written into templates; templates read the reason from values.yaml.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyException {
    pub name: &'static str,
    pub values_key: &'static str,
    /// Written only into values.yaml (the encoder refuses templates).
    pub reason: String,
    /// Checkov's skip annotations, numbered across the app's exceptions.
    pub checkov: Vec<CheckovSkip>,
    pub kube_linter: Vec<&'static str>,
}

pub(super) fn security(meta: &SecurityMetadata, origin: &Origin) -> Result<Security, ComposeError> {
    let run_as_user = match meta.run_as_user {
        None => DEFAULT_UID,
        Some(0) => {
            return Err(origin.error(
                "security.run_as_user",
                "0 is root; pods always run as non-root: use the UID the image's user has",
            ))
        }
        Some(uid) => origin.count("security.run_as_user", Some(uid), DEFAULT_UID, 1)?,
    };
    let mut writable_paths = Vec::new();
    for (index, path) in meta.writable_paths.iter().enumerate() {
        origin.check("security.writable_paths", checks::mount_path(path))?;
        if meta.writable_paths[..index].contains(path) {
            return Err(origin.error("security.writable_paths", format!("{path:?} is listed twice")));
        }
        writable_paths.push(WritablePath { volume: format!("writable-{index}"), path: path.clone() });
    }
    Ok(Security { run_as_user, writable_root_filesystem: meta.writable_root_filesystem, writable_paths })
}

/// Checks that the declared exceptions are exactly those the relaxations need, each with a
/// reason, and returns them in a fixed order with their annotations.
pub(super) fn exceptions(
    declared: &BTreeMap<String, String>,
    security: &Security,
    has_probes: bool,
    long_running: bool,
    origin: &Origin,
) -> Result<Vec<PolicyException>, ComposeError> {
    let needed = |exception: Exception| match exception {
        Exception::RunAsUser => security.run_as_user <= LOW_UID_MAX,
        Exception::ReadOnlyRootFilesystem => security.writable_root_filesystem || !security.writable_paths.is_empty(),
        Exception::Probes => long_running && !has_probes,
    };
    for (name, reason) in declared {
        let field = format!("policy_exceptions.{name}");
        let Some(exception) = Exception::from_name(name) else {
            return Err(origin.error(
                "policy_exceptions",
                format!(
                    "{name:?} is not a policy exception; the exceptions are {}",
                    Exception::ALL.map(Exception::name).join(", ")
                ),
            ));
        };
        if reason.trim().is_empty() {
            return Err(origin.error(&field, "needs a written reason: why this app cannot keep the default"));
        }
        if reason.len() > REASON_MAX {
            return Err(
                origin.error(&field, format!("is {} bytes long; a reason has at most {REASON_MAX}", reason.len()))
            );
        }
        if !needed(exception) {
            return Err(origin.error(
                &field,
                format!("is declared, but the app relaxes nothing it excuses; remove it ({})", relaxation(exception)),
            ));
        }
    }
    let mut checkov_index = 0;
    let mut exceptions = Vec::new();
    for exception in Exception::ALL.into_iter().filter(|e| needed(*e)) {
        let Some(reason) = declared.get(exception.name()) else {
            return Err(missing(exception, security, origin));
        };
        let checkov = exception
            .checkov()
            .iter()
            .map(|id| {
                checkov_index += 1;
                CheckovSkip { number: checkov_index, id }
            })
            .collect();
        exceptions.push(PolicyException {
            name: exception.name(),
            values_key: exception.values_key(),
            reason: reason.clone(),
            checkov,
            kube_linter: exception.kube_linter().to_vec(),
        });
    }
    Ok(exceptions)
}

/// kube-score's `kube-score/ignore` value for the exceptions (check names only).
pub fn kube_score_ignore(exceptions: &[PolicyException]) -> String {
    exceptions
        .iter()
        .filter_map(|e| Exception::from_name(e.name))
        .flat_map(|e| e.kube_score().iter().copied())
        .collect::<Vec<_>>()
        .join(",")
}

fn relaxation(exception: Exception) -> &'static str {
    match exception {
        Exception::RunAsUser => "it applies only to a security.run_as_user of 10000 or below",
        Exception::ReadOnlyRootFilesystem => {
            "it applies only to security.writable_root_filesystem or security.writable_paths"
        }
        Exception::Probes => "it applies only to a long-running app without health checks",
    }
}

fn missing(exception: Exception, security: &Security, origin: &Origin) -> ComposeError {
    let declare = |why: &str| format!("declare policy_exceptions = {{{:?}: \"<{why}>\"}}", exception.name());
    match exception {
        Exception::RunAsUser => origin.error(
            "security.run_as_user",
            format!(
                "{} is at or below {LOW_UID_MAX}, a UID scanners flag (it may be a node user's); use a UID above \
                 {LOW_UID_MAX}, or {}",
                security.run_as_user,
                declare("why the image needs this UID")
            ),
        ),
        Exception::ReadOnlyRootFilesystem => {
            let field = if security.writable_root_filesystem {
                "security.writable_root_filesystem"
            } else {
                "security.writable_paths"
            };
            origin.error(
                field,
                format!(
                    "relaxes the read-only root filesystem; write only to /tmp, or {}",
                    declare("why the app must write there")
                ),
            )
        }
        Exception::Probes => origin.error(
            "health",
            format!(
                "a long-running app needs liveness and readiness probes: set health_probe (with health_port, or \
                 the app's port), or health_command (an exec probe), or {}",
                declare("why the kubelet cannot check this app")
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn security_with(uid: Option<i64>, writable: bool, paths: &[&str]) -> Result<Security, ComposeError> {
        let meta = SecurityMetadata {
            run_as_user: uid,
            writable_root_filesystem: writable,
            writable_paths: paths.iter().map(|p| p.to_string()).collect(),
        };
        security(&meta, &Origin::new(Path::new("app.json"), "//a:b"))
    }

    fn declared(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn check(sec: &Security, pairs: &[(&str, &str)], probes: bool) -> Result<Vec<PolicyException>, String> {
        exceptions(&declared(pairs), sec, probes, true, &Origin::new(Path::new("app.json"), "//a:b"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_need_no_exception() {
        let sec = security_with(None, false, &[]).expect("defaults");
        assert_eq!(sec.run_as_user, DEFAULT_UID);
        assert_eq!(check(&sec, &[], true), Ok(Vec::new()));
        // A high UID is no relaxation.
        assert_eq!(check(&security_with(Some(10001), false, &[]).expect("uid"), &[], true), Ok(Vec::new()));
    }

    #[test]
    fn each_relaxation_needs_its_exception_and_names_the_fix() {
        let low = security_with(Some(10000), false, &[]).expect("uid");
        let error = check(&low, &[], true).expect_err("10000 needs the exception");
        assert!(
            error.contains("security.run_as_user") && error.contains("policy_exceptions = {\"run-as-user\""),
            "{error}"
        );
        let writable = security_with(None, false, &["/srv/checkout"]).expect("paths");
        let error = check(&writable, &[], true).expect_err("a writable path needs the exception");
        assert!(error.contains("security.writable_paths") && error.contains("read-only-root-filesystem"), "{error}");
        let root = security_with(None, true, &[]).expect("root");
        assert!(check(&root, &[], true).expect_err("root").contains("security.writable_root_filesystem"));
        let sec = security_with(None, false, &[]).expect("defaults");
        let error = check(&sec, &[], false).expect_err("no probes");
        assert!(error.contains("field `health`") && error.contains("\"probes\""), "{error}");
    }

    #[test]
    fn exceptions_must_match_a_relaxation_and_carry_a_reason() {
        let sec = security_with(None, false, &[]).expect("defaults");
        // An unused exception is refused with what it would apply to.
        let unused = [
            ("probes", "a long-running app without health checks"),
            ("run-as-user", "a security.run_as_user of 10000 or below"),
            ("read-only-root-filesystem", "security.writable_root_filesystem or security.writable_paths"),
        ];
        for (name, applies_to) in unused {
            let error = check(&sec, &[(name, "a reason")], true).expect_err("unused");
            let remove = format!("relaxes nothing it excuses; remove it (it applies only to {applies_to})");
            assert!(error.contains(&remove), "{error}");
        }
        let error = check(&sec, &[("privileged", "because")], true).expect_err("unknown");
        assert!(error.contains("is not a policy exception"), "{error}");
        let low = security_with(Some(999), false, &[]).expect("uid");
        let error = check(&low, &[("run-as-user", "  ")], true).expect_err("blank reason");
        assert!(error.contains("needs a written reason"), "{error}");
        let long = "x".repeat(REASON_MAX + 1);
        assert!(check(&low, &[("run-as-user", &long)], true).is_err());
        assert!(check(&low, &[("run-as-user", &"x".repeat(REASON_MAX))], true).is_ok());
    }

    #[test]
    fn annotations_number_checkov_skips_in_order() {
        let sec = security_with(Some(999), false, &["/var/run/postgresql"]).expect("relaxed");
        let found = check(&sec, &[("run-as-user", "image UID"), ("read-only-root-filesystem", "socket dir")], true)
            .expect("declared");
        let names: Vec<_> = found.iter().map(|e| e.name).collect();
        assert_eq!(names, ["run-as-user", "read-only-root-filesystem"]);
        assert_eq!(found[0].checkov, [CheckovSkip { number: 1, id: "CKV_K8S_40" }]);
        assert_eq!(found[1].checkov, [CheckovSkip { number: 2, id: "CKV_K8S_22" }]);
        assert_eq!(
            kube_score_ignore(&found),
            "container-security-context-user-group-id,container-security-context-readonlyrootfilesystem"
        );
    }

    #[test]
    fn root_and_duplicate_paths_are_refused() {
        assert!(security_with(Some(0), false, &[]).is_err());
        assert!(security_with(Some(-1), false, &[]).is_err());
        assert!(security_with(None, false, &["/a", "/a"]).is_err());
        assert!(security_with(None, false, &["relative"]).is_err());
    }
}
