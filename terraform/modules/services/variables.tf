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
  description = "IPv4 CIDR of the VPC. Public subnets get the first /(prefix+8) blocks, private subnets /(prefix+4) blocks."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR with a prefix length between /16 and /20."
  }
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway shared by both private subnets (cheaper, but egress depends on one AZ). false: one NAT gateway per AZ (highly available)."
  type        = bool
  default     = false
}

# --- Images and tasks ------------------------------------------------------

variable "user_service" {
  description = "Sizing and image of the user service (gRPC + Connect on port 50051). cpu/memory are Fargate units (256 = 0.25 vCPU, MiB)."
  type = object({
    image_tag     = string
    cpu           = optional(number, 256)
    memory        = optional(number, 512)
    desired_count = optional(number, 2)
    min_count     = optional(number, 2)
    max_count     = optional(number, 6)
    log_level     = optional(string, "info")
  })

  validation {
    condition     = length(var.user_service.image_tag) > 0 && var.user_service.image_tag != "latest"
    error_message = "user_service.image_tag must be an explicit, immutable tag (for example the git SHA), not empty and not \"latest\"."
  }
  validation {
    condition = contains([256, 512, 1024, 2048, 4096], var.user_service.cpu) && (
      var.user_service.cpu == 256 ? contains([512, 1024, 2048], var.user_service.memory) :
      var.user_service.memory % 1024 == 0 && var.user_service.memory >= var.user_service.cpu * 2 && var.user_service.memory <= min(var.user_service.cpu * 8, 30720)
    )
    error_message = "user_service cpu/memory must be a valid Fargate combination (cpu 256 -> memory 512/1024/2048; cpu 512-4096 -> memory 2x to 8x cpu in 1024 MiB steps, at most 30720)."
  }
  validation {
    condition     = var.user_service.min_count >= 1 && var.user_service.min_count <= var.user_service.desired_count && var.user_service.desired_count <= var.user_service.max_count
    error_message = "user_service counts must satisfy 1 <= min_count <= desired_count <= max_count."
  }
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.user_service.log_level)
    error_message = "user_service.log_level must be one of debug, info, warn, error."
  }
}

variable "order_service" {
  description = "Sizing and image of the order service (native gRPC on port 50052, reachable only inside the VPC). cpu/memory are Fargate units."
  type = object({
    image_tag     = string
    cpu           = optional(number, 256)
    memory        = optional(number, 512)
    desired_count = optional(number, 2)
    min_count     = optional(number, 2)
    max_count     = optional(number, 6)
    log_level     = optional(string, "info")
  })

  validation {
    condition     = length(var.order_service.image_tag) > 0 && var.order_service.image_tag != "latest"
    error_message = "order_service.image_tag must be an explicit, immutable tag (for example the git SHA), not empty and not \"latest\"."
  }
  validation {
    condition = contains([256, 512, 1024, 2048, 4096], var.order_service.cpu) && (
      var.order_service.cpu == 256 ? contains([512, 1024, 2048], var.order_service.memory) :
      var.order_service.memory % 1024 == 0 && var.order_service.memory >= var.order_service.cpu * 2 && var.order_service.memory <= min(var.order_service.cpu * 8, 30720)
    )
    error_message = "order_service cpu/memory must be a valid Fargate combination (cpu 256 -> memory 512/1024/2048; cpu 512-4096 -> memory 2x to 8x cpu in 1024 MiB steps, at most 30720)."
  }
  validation {
    condition     = var.order_service.min_count >= 1 && var.order_service.min_count <= var.order_service.desired_count && var.order_service.desired_count <= var.order_service.max_count
    error_message = "order_service counts must satisfy 1 <= min_count <= desired_count <= max_count."
  }
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.order_service.log_level)
    error_message = "order_service.log_level must be one of debug, info, warn, error."
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

variable "acm_certificate_arn" {
  description = "ARN of the ACM certificate (same region as the ALB) served by the HTTPS listener. It must cover user_service_domain_name."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }
}

variable "user_service_domain_name" {
  description = "Public hostname of the user service origin (covered by the ACM certificate), e.g. \"origin-api.example.com\". The Worker calls https://<this name>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.user_service_domain_name))
    error_message = "user_service_domain_name must be a lowercase DNS hostname without scheme or path, e.g. origin-api.example.com."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone in which to create an alias record user_service_domain_name -> ALB. null when the record is managed elsewhere (for example in Cloudflare DNS, see docs/deploy.md)."
  type        = string
  default     = null
}

variable "alb_ingress_cidr_blocks" {
  description = "IPv4 CIDRs allowed to reach the ALB on 443. Narrow it to Cloudflare's published egress ranges so only the Worker can reach the origin."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidr_blocks) > 0 && alltrue([for c in var.alb_ingress_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "alb_ingress_cidr_blocks must be a non-empty list of valid IPv4 CIDRs."
  }
}

variable "alb_ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "alb_deletion_protection" {
  description = "Enable deletion protection on the ALB."
  type        = bool
  default     = true
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores ALB health checks after a user-service task starts (covers migrations before /readyz turns 200)."
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

variable "db_engine_version" {
  description = "Aurora PostgreSQL engine version (Serverless v2 capable). Both clusters use it."
  type        = string
  default     = "16.6"

  validation {
    condition     = can(regex("^1[3-9]\\.[0-9]+$", var.db_engine_version))
    error_message = "db_engine_version must look like \"16.6\" (Aurora PostgreSQL 13 or later)."
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

variable "db_ssl_mode" {
  description = "DATABASE_SSLMODE for the services' node-postgres connection. \"no-verify\" encrypts without checking the server certificate (the RDS CA is not in Node's trust store); use \"verify-full\" once the images trust the RDS CA bundle (NODE_EXTRA_CA_CERTS)."
  type        = string
  default     = "no-verify"

  validation {
    condition     = contains(["disable", "no-verify", "require", "verify-ca", "verify-full"], var.db_ssl_mode)
    error_message = "db_ssl_mode must be one of disable, no-verify, require, verify-ca, verify-full."
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
  description = "SERVICE_TOKEN_SECRET shared by the Worker and both services (service-to-service auth). Stored in Secrets Manager and injected as an ECS secret. Pass it with TF_VAR_service_token_secret; never commit it."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.service_token_secret) >= 32
    error_message = "service_token_secret must be at least 32 characters (e.g. `openssl rand -base64 48`)."
  }
}

variable "jwt_secret" {
  description = "JWT_SECRET (HS256 signing key) shared by the Worker and the user service. Stored in Secrets Manager and injected as an ECS secret. Pass it with TF_VAR_jwt_secret; never commit it."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.jwt_secret) >= 32
    error_message = "jwt_secret must be at least 32 characters (HS256 keys should be at least 256 bits)."
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
