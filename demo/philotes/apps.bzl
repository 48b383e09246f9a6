"""The Philotes apps (seed 002), described once and declared for both shapes of the demo."""

load("//rules:defs.bzl", "helm_environment", "release_app")

API = dict(
    app_name = "philotes-api",
    app_type = "external-api",
    autoscaling_max_replicas = 10,
    autoscaling_min_replicas = 2,
    autoscaling_target_cpu_utilization = 80,
    env = {
        "PHILOTES_API_LISTEN_ADDR": ":8080",
        "PHILOTES_API_RATE_LIMIT_RPS": "100",
        "PHILOTES_DATABASE_HOST": "postgresql",
        "PHILOTES_DATABASE_NAME": "philotes",
    },
    image_repository = "ghcr.io/janovincze/philotes-api",
    image_tag = "0.1.0",
    ingress_host = "philotes.example.com",
    ingress_tls_secret = "philotes-example-com-tls",
    metrics_port = 9090,
    network_policy_egress_cidrs = ["10.0.0.0/8:5432"],
    port = 8080,
    secret_env = {"PHILOTES_DATABASE_PASSWORD": "philotes-database/password"},
)

WORKER = dict(
    app_name = "philotes-worker",
    app_type = "worker",
    env = {
        "PHILOTES_CDC_BATCH_SIZE": "1000",
        "PHILOTES_CDC_BUFFER_SIZE": "10000",
        "PHILOTES_CDC_FLUSH_INTERVAL": "5s",
    },
    health_liveness_path = "/health/live",
    health_port = 8081,
    health_readiness_path = "/health/ready",
    image_repository = "ghcr.io/janovincze/philotes-worker",
    image_tag = "0.1.0",
    keda_cooldown_period = 300,
    keda_max_replicas = 5,
    keda_min_replicas = 1,
    keda_polling_interval = 30,
    # Scale on the lag of the CDC replication slots, in MiB. The password comes from the
    # worker's own environment (a Secret reference), never from values.yaml.
    keda_triggers = [{
        "type": "postgresql",
        "name": "replication-lag",
        "metadata": {
            "host": "postgresql",
            "port": "5432",
            "dbName": "philotes",
            "userName": "philotes",
            "passwordFromEnv": "PHILOTES_SOURCE_PASSWORD",
            "sslmode": "require",
            "query": "SELECT COALESCE(MAX(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)), 0) / 1048576 FROM pg_replication_slots",
            "targetQueryValue": "64",
            "activationTargetQueryValue": "1",
        },
    }],
    metrics_port = 9090,
    network_policy_egress_cidrs = [
        "10.0.0.0/8:5432",
        "10.0.0.0/8:9000",
    ],
    secret_env = {
        "PHILOTES_SOURCE_PASSWORD": "philotes-source/password",
        "PHILOTES_STORAGE_SECRET_KEY": "philotes-storage/secret-key",
    },
)

LAKEKEEPER = dict(
    app_name = "lakekeeper",
    app_type = "internal-api",
    env = {"LAKEKEEPER__PG_DATABASE_URL_READ": "postgresql://postgresql:5432/philotes"},
    health_liveness_path = "/health",
    health_readiness_path = "/health/ready",
    image_repository = "lakekeeper/catalog",
    image_tag = "0.7.4",
    network_policy_egress_cidrs = ["10.0.0.0/8:5432"],
    port = 8181,
    replicas = 1,
)


def philotes_app(name, app, **kwargs):
    """Declares one Philotes app (`API`, `WORKER` or `LAKEKEEPER`) as `release_app` `name`.

    Args:
        name: Target name (the app's Kubernetes name is in `app`).
        app: The app's attributes.
        **kwargs: More attributes (network peers).
    """
    release_app(name = name, **(app | kwargs))

def environments(prefix, table):
    """Declares `helm_environment` `<prefix>_<env>` for each environment of `table`.

    Args:
        prefix: Target name prefix.
        table: Environment name -> attributes of its `helm_environment`.
    """
    for env, settings in table.items():
        helm_environment(name = "{}_{}".format(prefix, env), env = env, **settings)
