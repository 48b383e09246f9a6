//! Shared by the integration tests: the real Helm library, test charts, throwaway GnuPG keys
//! and a registry on 127.0.0.1.
#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use helm_sdk::HelmSdk;
use tempfile::TempDir;

/// The library under test, from `HELM_C_LIBRARY` (Bazel passes a runfiles-relative path).
pub fn sdk() -> HelmSdk {
    let Some(value) = std::env::var_os("HELM_C_LIBRARY") else {
        panic!(
            "HELM_C_LIBRARY is not set: these tests run the real libhelm_c.so, e.g. \
             HELM_C_LIBRARY=$HOME/.cache/helm-composer/helm_sdk/libhelm_c.so cargo test -p chart_release"
        );
    };
    let path = std::env::current_dir().unwrap().join(value);
    HelmSdk::load(&path).unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

pub const CHART_YAML: &str = "apiVersion: v2\nname: demo\ndescription: A chart the chart_release tests write\n\
type: application\nversion: 0.1.0\nappVersion: \"1.2.3\"\nicon: https://example.com/icon.png\n";

pub const CONFIGMAP_YAML: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  labels:
    helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
data:
  greeting: {{ .Values.greeting | quote }}
"#;

/// A pre-install hook: rendered manifests must keep hooks.
pub const HOOK_YAML: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: example/migrate:1.0.0
"#;

/// Writes the `demo` chart into `parent/demo` (with a hook and a prod environment) and
/// returns that directory.
pub fn write_chart(parent: &Path) -> PathBuf {
    let dir = parent.join("demo");
    write(&dir.join("Chart.yaml"), CHART_YAML);
    write(&dir.join("values.yaml"), "greeting: hello\n");
    write(&dir.join("values-prod.yaml"), "greeting: hello from prod\n");
    write(&dir.join("templates/configmap.yaml"), CONFIGMAP_YAML);
    write(&dir.join("templates/job.yaml"), HOOK_YAML);
    write(&dir.join("templates/_helpers.tpl"), "{{- define \"demo.name\" -}}demo{{- end -}}\n");
    dir
}

pub fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Sets the mtime of every file under `dir` to `secs` since 1970.
pub fn touch_all(dir: &Path, secs: u64) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            touch_all(&path, secs);
        } else {
            let file = fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(UNIX_EPOCH + Duration::from_secs(secs)).unwrap();
        }
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

pub const IDENTITY: &str = "Chart Release Test <release@example.com>";

/// A private GNUPGHOME with one unprotected signing key, exported as the legacy keyring
/// files Helm reads; its gpg-agent is stopped on drop.
pub struct Keys {
    pub home: TempDir,
    pub secret: PathBuf,
    pub public: PathBuf,
}

impl Keys {
    pub fn generate() -> Keys {
        // Under /tmp, not $TMPDIR: without /run/user/<uid>, gpg-agent puts its socket in
        // GNUPGHOME, and Bazel's long $TMPDIR overflows the socket path limit.
        let home = tempfile::Builder::new().prefix("gnupg").tempdir_in("/tmp").unwrap();
        let keys = Keys { secret: home.path().join("secring.gpg"), public: home.path().join("pubring.gpg"), home };
        let quiet = ["--batch", "--pinentry-mode", "loopback", "--passphrase", ""];
        keys.gpg(&[&quiet[..], &["--quick-gen-key", IDENTITY, "rsa2048", "sign", "never"]].concat());
        let secret = keys.gpg(&[&quiet[..], &["--export-secret-keys", IDENTITY]].concat());
        fs::write(&keys.secret, secret.stdout).unwrap();
        fs::write(&keys.public, keys.gpg(&["--batch", "--export", IDENTITY]).stdout).unwrap();
        keys
    }

    fn gpg(&self, args: &[&str]) -> Output {
        let output = Command::new("gpg")
            .args(args)
            .env("GNUPGHOME", self.home.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run gpg ({e}): these tests need GnuPG (Debian package gnupg)"));
        assert!(output.status.success(), "gpg {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        output
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf").args(["--kill", "gpg-agent"]).env("GNUPGHOME", self.home.path()).status();
    }
}

/// Debian's `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 with htpasswd auth; the
/// process is killed on drop.
pub struct Registry {
    child: Child,
    dir: TempDir,
    /// `127.0.0.1:PORT`.
    pub host: String,
}

impl Registry {
    pub fn start(username: &str, password: &str) -> Registry {
        let program = find_program("docker-registry").unwrap_or_else(|| {
            panic!(
                "docker-registry is not installed: the push test needs Debian's docker-registry (and \
                 apache2-utils for htpasswd); tools/bazel installs both in its sid root, elsewhere run \
                 `apt-get install docker-registry apache2-utils`"
            )
        });
        let dir = TempDir::new().unwrap();
        write_htpasswd(&dir.path().join("htpasswd"), username, password);
        let host = format!("127.0.0.1:{}", free_port());
        let config = dir.path().join("config.yml");
        write(&config, &registry_config(dir.path(), &host));
        let log = fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(program)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("cannot start docker-registry");
        let mut registry = Registry { child, dir, host };
        registry.wait_until_ready();
        registry
    }

    /// Waits for `GET /v2/` to answer 401 (auth is on), for at most 20 s.
    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("docker-registry exited with {status}: {}", self.log());
            }
            if let Some(line) = status_line(&self.host) {
                assert!(line.contains(" 401"), "GET /v2/ without credentials must answer 401, got {line}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("docker-registry did not answer on {} within 20 s: {}", self.host, self.log());
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn registry_config(dir: &Path, host: &str) -> String {
    format!(
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {host}\n\
         auth:\n  htpasswd:\n    realm: chart-release-test\n    path: {}\n",
        dir.join("data").display(),
        dir.join("htpasswd").display()
    )
}

fn write_htpasswd(path: &Path, username: &str, password: &str) {
    let htpasswd = find_program("htpasswd")
        .unwrap_or_else(|| panic!("htpasswd is not installed: the push test needs Debian's apache2-utils"));
    let output = Command::new(htpasswd).args(["-Bbn", username, password]).output().unwrap();
    assert!(output.status.success(), "htpasswd failed: {}", String::from_utf8_lossy(&output.stderr));
    fs::write(path, output.stdout).unwrap();
}

/// A port nothing listens on right now (the kernel's choice on 127.0.0.1).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The status line of `GET /v2/`, or None while nothing answers.
fn status_line(host: &str) -> Option<String> {
    let mut stream = TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream.write_all(format!("GET /v2/ HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.lines().next().map(str::to_string)
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}
