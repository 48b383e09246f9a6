//! Volumes of an app's pods besides the chart's own: PersistentVolumeClaims (created by the
//! chart or existing), existing ConfigMaps and Secrets as files (by name only), emptyDirs
//! (memory-backed with a size limit) and projected service account tokens, each mounted into
//! the containers that name it. Checked as the cluster would take them: names and mount
//! paths unique, quantities valid, and a volume that attaches to one node never given to
//! pods that could run on several.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AccessMode, AppMetadata, AppType, VolumeMetadata};
use crate::origin::Origin;

/// Volume names the chart's own volumes use (`secret-<n>` and `writable-<n>` too).
const RESERVED_NAMES: [&str; 3] = ["tmp", "config", "data"];
const RESERVED_PREFIXES: [&str; 2] = ["secret-", "writable-"];
/// A projected token's shortest and default lifetimes (the API server refuses under 10 minutes).
const TOKEN_MIN_SECONDS: u32 = 600;
const TOKEN_DEFAULT_SECONDS: u32 = 3600;

/// One volume as values.yaml holds it: exactly one source is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    pub mount_path: String,
    /// Containers mounting it, by name (the app's own is the app's name).
    pub containers: Vec<String>,
    pub read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub config_map: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub secret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDir>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_token: Option<Token>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// Empty: the chart creates the claim `<release>-<app>-<volume>`.
    pub existing_claim: String,
    pub size: String,
    pub storage_class: String,
    pub access_mode: AccessMode,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmptyDir {
    /// "Memory" or "" (the node's disk).
    pub medium: &'static str,
    pub size_limit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub audience: String,
    pub expiration_seconds: u32,
}

impl Volume {
    /// A claim the chart creates (rendered as a PersistentVolumeClaim of the app).
    pub fn created_claim(&self) -> bool {
        self.claim.as_ref().is_some_and(|c| c.existing_claim.is_empty())
    }

    /// A claim only one node (or pod) may mount read-write.
    pub fn attaches_to_one_node(&self) -> bool {
        self.claim
            .as_ref()
            .is_some_and(|c| matches!(c.access_mode, AccessMode::ReadWriteOnce | AccessMode::ReadWriteOncePod))
    }
}

pub(super) fn volumes(meta: &AppMetadata, app_type: AppType, origin: &Origin) -> Result<Vec<Volume>, ComposeError> {
    let mut volumes: Vec<Volume> = Vec::new();
    for volume in &meta.volumes {
        origin.check("volumes", checks::dns1123_label(&volume.name))?;
        if RESERVED_NAMES.contains(&volume.name.as_str())
            || RESERVED_PREFIXES.iter().any(|p| volume.name.starts_with(p))
        {
            return Err(origin.error(
                "volumes",
                format!(
                    "{:?} is a name of the chart's own volumes (tmp, config, data, secret-<n>, writable-<n>)",
                    volume.name
                ),
            ));
        }
        if volumes.iter().any(|v| v.name == volume.name) {
            return Err(origin.error("volumes", format!("{:?} is listed twice", volume.name)));
        }
        volumes.push(self::volume(volume, meta, app_type, origin)?);
    }
    check_mount_paths(meta, &volumes, origin)?;
    Ok(volumes)
}

fn volume(
    meta: &VolumeMetadata,
    app: &AppMetadata,
    app_type: AppType,
    origin: &Origin,
) -> Result<Volume, ComposeError> {
    let field = |name: &str| format!("volumes.{}.{name}", meta.name);
    origin.check(&field("mount_path"), checks::mount_path(&meta.mount_path))?;
    let containers = match meta.containers.as_slice() {
        [] => vec![app.name.clone()],
        names => names.to_vec(),
    };
    for (index, name) in containers.iter().enumerate() {
        if *name != app.name && !app.init_containers.iter().any(|c| c.name == *name) {
            return Err(origin.error(
                &field("containers"),
                format!("{name:?} is neither the app ({:?}) nor one of its init_containers", app.name),
            ));
        }
        if containers[..index].contains(name) {
            return Err(origin.error(&field("containers"), format!("{name:?} is listed twice")));
        }
    }
    let sources = [
        meta.persistent_volume_claim.is_some(),
        !meta.config_map.is_empty(),
        !meta.secret.is_empty(),
        meta.empty_dir.is_some(),
        meta.service_account_token.is_some(),
    ];
    if sources.iter().filter(|set| **set).count() != 1 {
        return Err(origin.error(
            &format!("volumes.{}", meta.name),
            "needs exactly one source: persistent_volume_claim, config_map, secret, empty_dir or service_account_token",
        ));
    }
    let mut volume = Volume {
        name: meta.name.clone(),
        mount_path: meta.mount_path.clone(),
        containers,
        read_only: meta.read_only,
        ..Volume::default()
    };
    if let Some(claim) = &meta.persistent_volume_claim {
        volume.claim = Some(self::claim(claim, app_type, &field("persistent_volume_claim"), origin)?);
    } else if !meta.config_map.is_empty() {
        origin.check(&field("config_map"), checks::dns_subdomain(&meta.config_map))?;
        volume.config_map = meta.config_map.clone();
        volume.read_only = true;
    } else if !meta.secret.is_empty() {
        origin.check(&field("secret"), checks::dns_subdomain(&meta.secret))?;
        volume.secret = meta.secret.clone();
        volume.read_only = true;
    } else if let Some(empty_dir) = &meta.empty_dir {
        let size_field = field("empty_dir.size_limit");
        if empty_dir.memory && empty_dir.size_limit.is_empty() {
            return Err(origin
                .error(&size_field, "is required with memory: a tmpfs without a limit may fill the node's memory"));
        }
        if !empty_dir.size_limit.is_empty() {
            let bytes = origin.check(&size_field, checks::quantity_nanos(&empty_dir.size_limit))?;
            if bytes == 0 {
                return Err(origin.error(&size_field, "must be more than 0"));
            }
        }
        volume.empty_dir = Some(EmptyDir {
            medium: if empty_dir.memory { "Memory" } else { "" },
            size_limit: empty_dir.size_limit.clone(),
        });
    } else if let Some(token) = &meta.service_account_token {
        if token.audience.trim().is_empty() {
            return Err(origin.error(
                &field("service_account_token.audience"),
                "is required: a token for the API server itself is what automountServiceAccountToken: false keeps out",
            ));
        }
        origin.check(&field("service_account_token.audience"), checks::helm3_readable(&token.audience))?;
        let expiration_seconds = origin.count(
            &field("service_account_token.expiration_seconds"),
            token.expiration_seconds,
            TOKEN_DEFAULT_SECONDS,
            TOKEN_MIN_SECONDS,
        )?;
        volume.service_account_token = Some(Token { audience: token.audience.clone(), expiration_seconds });
        volume.read_only = true;
    }
    Ok(volume)
}

fn claim(
    meta: &crate::model::ClaimMetadata,
    app_type: AppType,
    field: &str,
    origin: &Origin,
) -> Result<Claim, ComposeError> {
    let access_mode = meta.access_mode.unwrap_or_default();
    if !meta.existing_claim.is_empty() {
        origin.check(&format!("{field}.existing_claim"), checks::dns_subdomain(&meta.existing_claim))?;
        if !meta.size.is_empty() || !meta.storage_class.is_empty() {
            let which = if meta.size.is_empty() { "storage_class" } else { "size" };
            return Err(origin.error(
                &format!("{field}.{which}"),
                "is set together with existing_claim; the existing claim has its own",
            ));
        }
        return Ok(Claim {
            existing_claim: meta.existing_claim.clone(),
            size: String::new(),
            storage_class: String::new(),
            access_mode,
        });
    }
    if !matches!(app_type, AppType::ExternalApi | AppType::InternalApi | AppType::Worker) {
        return Err(origin.error(
            field,
            format!(
                "the chart creates claims for a Deployment only, not for a {app_type}{}; name an existing_claim",
                if app_type == AppType::Stateful { " (its storage gives each pod its own)" } else { "" }
            ),
        ));
    }
    if meta.size.is_empty() {
        return Err(origin.error(&format!("{field}.size"), "is required for a claim the chart creates (e.g. \"10Gi\")"));
    }
    origin.check(&format!("{field}.size"), checks::quantity(&meta.size))?;
    if !meta.storage_class.is_empty() {
        origin.check(&format!("{field}.storage_class"), checks::dns_subdomain(&meta.storage_class))?;
    }
    Ok(Claim {
        existing_claim: String::new(),
        size: meta.size.clone(),
        storage_class: meta.storage_class.clone(),
        access_mode,
    })
}

/// Each container's mount paths are unique: the kubelet refuses a pod mounting two volumes
/// at one path. The app's own container also mounts /tmp, its config, Secrets, writable
/// paths and storage.
fn check_mount_paths(meta: &AppMetadata, volumes: &[Volume], origin: &Origin) -> Result<(), ComposeError> {
    let own: Vec<&str> = [meta.config.mount_path.as_str(), meta.storage.mount_path.as_str()]
        .into_iter()
        .chain(meta.secret_mounts.keys().map(String::as_str))
        .chain(meta.security.writable_paths.iter().map(String::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    for (index, volume) in volumes.iter().enumerate() {
        let field = format!("volumes.{}.mount_path", volume.name);
        if volume.containers.contains(&meta.name) && own.contains(&volume.mount_path.as_str()) {
            return Err(origin.error(
                &field,
                format!(
                    "{:?} is also a mount of the app's own settings (config, secret_mounts, writable_paths or storage)",
                    volume.mount_path
                ),
            ));
        }
        let shared = volumes[..index]
            .iter()
            .find(|v| v.mount_path == volume.mount_path && v.containers.iter().any(|c| volume.containers.contains(c)));
        if let Some(other) = shared {
            return Err(
                origin.error(&field, format!("{:?} is also volume {:?}'s mount path", volume.mount_path, other.name))
            );
        }
    }
    Ok(())
}

/// A volume that attaches to one node cannot follow pods onto several: the app keeps one
/// replica and no autoscaler (`replicas` is the app's own count).
pub(super) fn check_single_node(
    volumes: &[Volume],
    replicas: u32,
    scaled: bool,
    origin: &Origin,
) -> Result<(), ComposeError> {
    let Some(volume) = volumes.iter().find(|v| v.attaches_to_one_node()) else { return Ok(()) };
    if replicas > 1 || scaled {
        return Err(origin.error(
            &format!("volumes.{}.persistent_volume_claim.access_mode", volume.name),
            format!(
                "{:?} attaches to one node, but the app runs {}: pods on other nodes would wait forever for the \
                 volume; keep one replica and no autoscaler, use ReadWriteMany, or make the app stateful (a volume \
                 per pod)",
                volume.claim.as_ref().map(|c| c.access_mode).unwrap_or_default(),
                if scaled { "an autoscaler".to_string() } else { format!("{replicas} replicas") }
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{json, Value};

    use crate::app::App;
    use crate::model::AppMetadata;

    fn app_with(extra: Value) -> AppMetadata {
        let mut meta = json!({
            "name": "files-api", "target": "//x:files_api_metadata",
            "image": {"repository": "ghcr.io/x/files", "tag": "1.0"}, "port": 8080, "replicas": 1,
            "config": {"data": {"A": "1"}, "mount_path": "/etc/files"},
            "init_containers": [{"name": "agent", "sidecar": true, "image": {"repository": "r", "tag": "1"}}]
        });
        for (key, value) in extra.as_object().into_iter().flatten() {
            meta[key] = value.clone();
        }
        serde_json::from_value(meta).expect("test metadata parses")
    }

    fn error_of(extra: Value) -> String {
        App::from_metadata(&app_with(extra), Path::new("x.json")).expect_err("must be rejected").to_string()
    }

    #[test]
    fn every_source_is_mounted_where_named() {
        let app = App::from_metadata(
            &app_with(json!({"volumes": [
                {"name": "uploads", "mount_path": "/var/uploads", "persistent_volume_claim": {"size": "10Gi"}},
                {"name": "shared", "mount_path": "/srv", "persistent_volume_claim": {"existing_claim": "nfs-share", "access_mode": "ReadWriteMany"}, "read_only": true},
                {"name": "ca", "mount_path": "/etc/ca", "config_map": "company-ca", "containers": ["files-api", "agent"]},
                {"name": "creds", "mount_path": "/etc/creds", "secret": "files-creds"},
                {"name": "scratch", "mount_path": "/scratch", "empty_dir": {"memory": true, "size_limit": "256Mi"}},
                {"name": "vault-token", "mount_path": "/var/run/vault", "service_account_token": {"audience": "vault"}, "containers": ["agent"]}
            ]})),
            Path::new("x.json"),
        )
        .expect("valid");
        assert!(app.single_node_volume, "a created claim is ReadWriteOnce unless told otherwise");
        let values = serde_json::to_value(&app.volumes).expect("serializes");
        assert_eq!(
            values[0]["claim"],
            json!({"existingClaim": "", "size": "10Gi", "storageClass": "", "accessMode": "ReadWriteOnce"})
        );
        assert_eq!(values[0]["containers"], json!(["files-api"]), "unset: the app's own container");
        assert_eq!(values[2]["containers"], json!(["files-api", "agent"]));
        assert_eq!((values[2]["readOnly"].clone(), values[3]["readOnly"].clone()), (json!(true), json!(true)));
        // A claim is mounted read-only only when asked.
        assert_eq!((values[0]["readOnly"].clone(), values[1]["readOnly"].clone()), (json!(false), json!(true)));
        assert_eq!(values[4]["emptyDir"], json!({"medium": "Memory", "sizeLimit": "256Mi"}));
        assert_eq!(values[5]["serviceAccountToken"], json!({"audience": "vault", "expirationSeconds": 3600}));
    }

    #[test]
    fn volumes_are_refused_as_the_cluster_would_naming_the_field() {
        let claim = |mode: &str| json!({"name": "data-vol", "mount_path": "/data", "persistent_volume_claim": {"size": "1Gi", "access_mode": mode}});
        let cases = [
            (json!({"volumes": [{"name": "Data", "mount_path": "/d", "secret": "s"}]}), "field `volumes`:"),
            (json!({"volumes": [{"name": "tmp", "mount_path": "/d", "secret": "s"}]}), "field `volumes`: \"tmp\" is a name of the chart's own volumes"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "secret": "s"}, {"name": "a", "mount_path": "/e", "secret": "s"}]}), "field `volumes`: \"a\" is listed twice"),
            (json!({"volumes": [{"name": "a", "mount_path": "d", "secret": "s"}]}), "field `volumes.a.mount_path`: \"d\" must be an absolute path"),
            (json!({"volumes": [{"name": "a", "mount_path": "/etc/files", "secret": "s"}]}), "field `volumes.a.mount_path`: \"/etc/files\" is also a mount of the app's own settings"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "secret": "s"}, {"name": "b", "mount_path": "/d", "config_map": "c"}]}), "field `volumes.b.mount_path`: \"/d\" is also volume \"a\"'s mount path"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "secret": "s", "config_map": "c"}]}), "field `volumes.a`: needs exactly one source"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d"}]}), "field `volumes.a`: needs exactly one source"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "secret": "s", "containers": ["nobody"]}]}), "field `volumes.a.containers`: \"nobody\" is neither the app (\"files-api\") nor one of its init_containers"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "empty_dir": {"memory": true}}]}), "field `volumes.a.empty_dir.size_limit`: is required with memory"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "empty_dir": {"size_limit": "lots"}}]}), "field `volumes.a.empty_dir.size_limit`: \"lots\" is not a Kubernetes quantity"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "empty_dir": {"size_limit": "0"}}]}), "field `volumes.a.empty_dir.size_limit`: must be more than 0"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "service_account_token": {}}]}), "field `volumes.a.service_account_token.audience`: is required"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "service_account_token": {"audience": "v", "expiration_seconds": 60}}]}), "field `volumes.a.service_account_token.expiration_seconds`: 60 must be at least 600"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "persistent_volume_claim": {}}]}), "field `volumes.a.persistent_volume_claim.size`: is required for a claim the chart creates"),
            (json!({"volumes": [{"name": "a", "mount_path": "/d", "persistent_volume_claim": {"existing_claim": "c", "size": "1Gi"}}]}), "field `volumes.a.persistent_volume_claim.size`: is set together with existing_claim"),
            (json!({"replicas": 2, "volumes": [claim("ReadWriteOnce")]}), "field `volumes.data-vol.persistent_volume_claim.access_mode`: ReadWriteOnce attaches to one node, but the app runs 2 replicas"),
            (json!({"volumes": [claim("ReadWriteOncePod")], "autoscaling": {"enabled": true, "max_replicas": 3}}), "ReadWriteOncePod attaches to one node, but the app runs an autoscaler"),
        ];
        for (extra, expected) in cases {
            let error = error_of(extra);
            assert!(error.contains("//x:files_api_metadata (x.json): "), "{error}");
            assert!(error.contains(expected), "expected {expected:?} in {error}");
        }
        let many = App::from_metadata(
            &app_with(json!({"replicas": 3, "volumes": [claim("ReadWriteMany")]})),
            Path::new("x.json"),
        );
        assert!(!many.expect("ReadWriteMany follows pods to any node").single_node_volume);
        let job: AppMetadata = serde_json::from_value(json!({
            "name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"},
            "volumes": [{"name": "a", "mount_path": "/d", "persistent_volume_claim": {"size": "1Gi"}}]
        }))
        .expect("parses");
        let error = App::from_metadata(&job, Path::new("x.json")).expect_err("refused").to_string();
        assert!(error.contains("field `volumes.a.persistent_volume_claim`: the chart creates claims for a Deployment only, not for a job"), "{error}");
    }
}
