//! What the validator finds wrong with a chart, and the verdict of a run.
//!
//! Every problem has a kind (which check found it) and a message naming the place; its text
//! is `<kind>: <message>`, e.g. `policy:run-as-non-root: Deployment/x: pod must set
//! runAsNonRoot: true`. A failure test (`--expect-failure`) names the problems it expects
//! (`--expect-problem TEXT`, each a part of some problem's text) and passes only when the
//! chart is rejected with all of them.

use std::fmt;

/// Which check found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A finding of `helm lint --strict` (warnings included).
    Lint,
    /// The values do not meet the chart's values.schema.json (reported by lint and by render).
    ValuesSchema,
    /// Helm could not render the chart: a template failed (e.g. one of the chart's guards).
    Render,
    /// A rendered document is not YAML.
    Yaml,
    /// An object does not meet the Kubernetes schema of its kind (strict: no unknown fields).
    KubernetesSchema,
    /// A built-in object in an API version the run's Kubernetes version does not serve.
    KubernetesVersion,
    /// A KEDA or Prometheus operator object does not meet its CRD schema.
    Crd,
    /// An object hard-codes `metadata.namespace`.
    Namespace,
    /// Two rendered objects have the same kind and name.
    Duplicate,
    /// A policy rule (one of `policy::RULES`).
    Policy(&'static str),
    /// A rule the Kubernetes API server (or KEDA's webhook) applies beyond the schemas (one of
    /// `apiserver::RULES`): the object would be refused at install.
    ApiServer(&'static str),
    /// An `--expect-object` or `--expect-value` is not met.
    Expectation,
    /// `helm upgrade` from the `--previous-chart` would be refused (one of `upgrade::RULES`).
    Upgrade(&'static str),
    /// A declared path between pods that the NetworkPolicies close, or an open one nobody
    /// declared (`reachability`).
    Reachability,
    /// Helm 3 disagrees (`lint`: a lint finding; `render`: it cannot render; `difference`:
    /// its objects differ from the first Helm's), see `helm3.rs`.
    Helm3(&'static str),
    /// The chart renders or behaves otherwise under Argo CD (`lookup`, random functions,
    /// install-only hooks, ...), or an Argo CD object disagrees with it (see `argocd.rs`).
    ArgoCd(&'static str),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Lint => f.write_str("lint"),
            Kind::ValuesSchema => f.write_str("values-schema"),
            Kind::Render => f.write_str("render"),
            Kind::Yaml => f.write_str("yaml"),
            Kind::KubernetesSchema => f.write_str("kubernetes-schema"),
            Kind::KubernetesVersion => f.write_str("kubernetes-version"),
            Kind::Crd => f.write_str("crd"),
            Kind::Namespace => f.write_str("namespace"),
            Kind::Duplicate => f.write_str("duplicate"),
            Kind::Policy(rule) => write!(f, "policy:{rule}"),
            Kind::ApiServer(rule) => write!(f, "api-server:{rule}"),
            Kind::Expectation => f.write_str("expectation"),
            Kind::Upgrade(rule) => write!(f, "upgrade:{rule}"),
            Kind::Reachability => f.write_str("reachability"),
            Kind::Helm3(what) => write!(f, "helm3:{what}"),
            Kind::ArgoCd(rule) => write!(f, "argocd:{rule}"),
        }
    }
}

/// One problem of the chart, found in one lint and render run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: Kind,
    pub message: String,
}

impl Problem {
    pub fn new(kind: Kind, message: impl Into<String>) -> Problem {
        Problem { kind, message: message.into().trim_end().to_string() }
    }

    /// Whether `expected` (an `--expect-problem`) names this problem: it is part of its text.
    pub fn matches(&self, expected: &str) -> bool {
        self.to_string().contains(expected)
    }
}

/// The text `--expect-problem` is matched against: `<kind>: <message>`.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// What a run is expected to find: nothing, or a rejection with the named problems.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub failure: bool,
    pub problems: &'a [String],
}

impl Expected<'_> {
    /// A failure test must name its reason, and only a failure test names problems.
    pub fn check_usage(&self) -> Result<(), String> {
        match (self.failure, self.problems.is_empty()) {
            (true, true) => Err("--expect-failure needs at least one --expect-problem: a failure test must name \
                                 its reason, or it passes when the chart fails for any other one"
                .into()),
            (false, false) => Err("--expect-problem is only for failure tests: add --expect-failure".into()),
            _ => Ok(()),
        }
    }
}

/// The outcome of a run, given what was expected.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// No problem, none expected.
    Valid,
    /// Problems, none expected.
    Invalid,
    /// No problem, but a failure was expected.
    UnexpectedlyValid,
    /// Rejected, and each expected problem was reported.
    RejectedAsExpected,
    /// Rejected, but these expected problems were not among those reported.
    RejectedForAnotherReason { missing: Vec<&'a str> },
}

impl Verdict<'_> {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Valid | Verdict::RejectedAsExpected)
    }
}

pub fn judge<'a>(problems: &[Problem], expected: Expected<'a>) -> Verdict<'a> {
    match (problems.is_empty(), expected.failure) {
        (true, false) => Verdict::Valid,
        (false, false) => Verdict::Invalid,
        (true, true) => Verdict::UnexpectedlyValid,
        (false, true) => {
            let missing: Vec<&str> = expected
                .problems
                .iter()
                .map(String::as_str)
                .filter(|text| !problems.iter().any(|p| p.matches(text)))
                .collect();
            if missing.is_empty() {
                Verdict::RejectedAsExpected
            } else {
                Verdict::RejectedForAnotherReason { missing }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems() -> Vec<Problem> {
        vec![
            Problem::new(Kind::Lint, "[WARNING] Chart.yaml: version '1.2' is not a valid SemVerV2\n"),
            Problem::new(Kind::Policy("run-as-non-root"), "Deployment/a: pod must set runAsNonRoot: true"),
        ]
    }

    fn expected(failure: bool, problems: &[String]) -> Expected<'_> {
        Expected { failure, problems }
    }

    #[test]
    fn the_text_of_a_problem_is_its_kind_and_message() {
        let [lint, policy] = &problems()[..] else { unreachable!() };
        assert_eq!(lint.to_string(), "lint: [WARNING] Chart.yaml: version '1.2' is not a valid SemVerV2");
        assert_eq!(policy.to_string(), "policy:run-as-non-root: Deployment/a: pod must set runAsNonRoot: true");
        assert!(policy.matches("policy:run-as-non-root: Deployment/a"));
        assert!(policy.matches("runAsNonRoot: true"));
        assert!(!policy.matches("policy:seccomp"));
        assert!(!lint.matches("lint:  [WARNING]"));
        let refused = Problem::new(Kind::ApiServer("hpa"), "HorizontalPodAutoscaler/a: spec.maxReplicas: 1 must be...");
        assert!(refused.matches("api-server:hpa: HorizontalPodAutoscaler/a: spec.maxReplicas"));
        assert!(!refused.matches("policy:hpa"));
    }

    #[test]
    fn a_valid_chart_passes_only_when_no_failure_is_expected() {
        assert_eq!(judge(&[], expected(false, &[])), Verdict::Valid);
        assert!(Verdict::Valid.passed());
        let named = ["lint:".to_string()];
        assert_eq!(judge(&[], expected(true, &named)), Verdict::UnexpectedlyValid);
        assert!(!Verdict::UnexpectedlyValid.passed());
    }

    #[test]
    fn an_invalid_chart_fails_when_no_failure_is_expected() {
        assert_eq!(judge(&problems(), expected(false, &[])), Verdict::Invalid);
        assert!(!Verdict::Invalid.passed());
    }

    #[test]
    fn a_rejected_chart_passes_only_with_every_expected_problem() {
        let both = ["lint: [WARNING] Chart.yaml".to_string(), "policy:run-as-non-root".to_string()];
        let verdict = judge(&problems(), expected(true, &both));
        assert_eq!(verdict, Verdict::RejectedAsExpected);
        assert!(verdict.passed());
        // Several expectations may name the same problem.
        let same = ["policy:run-as-non-root".to_string(), "Deployment/a: pod".to_string()];
        assert_eq!(judge(&problems(), expected(true, &same)), Verdict::RejectedAsExpected);
    }

    #[test]
    fn a_chart_rejected_for_another_reason_fails() {
        let other = ["policy:seccomp".to_string(), "lint: [WARNING]".to_string()];
        let verdict = judge(&problems(), expected(true, &other));
        assert_eq!(verdict, Verdict::RejectedForAnotherReason { missing: vec!["policy:seccomp"] });
        assert!(!verdict.passed());
        // The kind is part of the text: a lint warning does not stand in for a policy finding.
        let kind = ["policy:run-as-non-root: Chart.yaml".to_string()];
        assert!(!judge(&problems(), expected(true, &kind)).passed());
    }

    #[test]
    fn a_failure_test_must_name_its_reason() {
        let named = ["crd:".to_string()];
        assert!(expected(false, &[]).check_usage().is_ok());
        assert!(expected(true, &named).check_usage().is_ok());
        let unnamed = expected(true, &[]).check_usage().unwrap_err();
        assert!(unnamed.contains("a failure test must name its reason"), "{unnamed}");
        assert!(expected(false, &named).check_usage().is_err());
    }

    #[test]
    fn every_kind_is_named_as_failure_tests_expect_it() {
        let kinds = [
            (Kind::Lint, "lint"),
            (Kind::ValuesSchema, "values-schema"),
            (Kind::Render, "render"),
            (Kind::Yaml, "yaml"),
            (Kind::KubernetesSchema, "kubernetes-schema"),
            (Kind::KubernetesVersion, "kubernetes-version"),
            (Kind::Crd, "crd"),
            (Kind::Namespace, "namespace"),
            (Kind::Duplicate, "duplicate"),
            (Kind::Policy("seccomp"), "policy:seccomp"),
            (Kind::ApiServer("name"), "api-server:name"),
            (Kind::Expectation, "expectation"),
            (Kind::Upgrade("selector"), "upgrade:selector"),
            (Kind::Reachability, "reachability"),
            (Kind::Helm3("render"), "helm3:render"),
            (Kind::ArgoCd("lookup"), "argocd:lookup"),
        ];
        for (kind, text) in kinds {
            assert_eq!(kind.to_string(), text);
            assert_eq!(Problem::new(kind, " m \n\n").to_string(), format!("{text}:  m"));
        }
    }
}
