# Secrets in Secrets Manager and the IAM roles allowed to read them. Secret values are
# written as write-only attributes (secret_string_wo): they never enter this module's state.
# Bump var.secrets_version to write new values.

locals {
  # Secrets Manager secrets by the env var name the containers read, and who gets them.
  # No JWT_SECRET: end-user tokens are verified at the edge only.
  secret_values = {
    SERVICE_TOKEN_SECRET = var.service_token_secret
    TUNNEL_TOKEN         = var.tunnel_token
  }
  secret_readers = {
    user        = ["SERVICE_TOKEN_SECRET"]
    order       = ["SERVICE_TOKEN_SECRET"]
    cloudflared = ["TUNNEL_TOKEN"]
  }
}

resource "aws_secretsmanager_secret" "this" {
  for_each = toset(keys(local.secret_values))

  # e.g. grpc-edge-production/service-token-secret
  name                    = "${var.name}/${lower(replace(each.key, "_", "-"))}"
  description             = "${each.key} for ${var.name}"
  recovery_window_in_days = var.secret_recovery_window_days

  tags = merge(local.common_tags, { EnvVar = each.key })
}

resource "aws_secretsmanager_secret_version" "this" {
  for_each = toset(keys(local.secret_values))

  secret_id                = aws_secretsmanager_secret.this[each.key].id
  secret_string_wo         = local.secret_values[each.key]
  secret_string_wo_version = var.secrets_version
}

locals {
  # Container `secrets` entries per task: env var name -> Secrets Manager reference.
  app_secrets = {
    for svc, names in local.secret_readers : svc => [
      for s in names : { name = s, valueFrom = aws_secretsmanager_secret.this[s].arn }
    ]
  }

  # The db-bootstrap init container logs in as the master user with the RDS-managed secret.
  master_secret_arns = { for svc, c in aws_rds_cluster.this : svc => c.master_user_secret[0].secret_arn }

  # Exactly the secrets each task definition references - nothing more.
  readable_secret_arns = {
    for role, names in local.secret_readers : role => concat(
      [for s in names : aws_secretsmanager_secret.this[s].arn],
      contains(keys(local.service_ports), role) ? [local.master_secret_arns[role]] : [],
    )
  }

  ecs_assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# --- Task execution roles (the ECS agent: pull image, write logs, read secrets) ---------

resource "aws_iam_role" "execution" {
  for_each = local.secret_readers

  name               = "${var.name}-${each.key}-execution"
  assume_role_policy = local.ecs_assume_role_policy
  tags               = merge(local.common_tags, { Service = each.key })
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  for_each = aws_iam_role.execution

  role       = each.value.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "execution_secrets" {
  for_each = aws_iam_role.execution

  name = "read-${each.key}-secrets"
  role = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadOwnSecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = local.readable_secret_arns[each.key]
    }]
  })
}

# --- Task roles (the application's own AWS identity) -------------------------------------

resource "aws_iam_role" "task" {
  for_each = local.secret_readers

  name               = "${var.name}-${each.key}-task"
  assume_role_policy = local.ecs_assume_role_policy
  tags               = merge(local.common_tags, { Service = each.key })
}

# IAM database authentication: each service may sign login tokens for its application role
# on its own cluster, nothing else (cloudflared's task role has no policy at all).
resource "aws_iam_role_policy" "task_db_connect" {
  for_each = local.service_ports

  name = "connect-${each.key}-db"
  role = aws_iam_role.task[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ConnectAsAppRole"
      Effect   = "Allow"
      Action   = ["rds-db:connect"]
      Resource = "arn:${data.aws_partition.current.partition}:rds-db:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:dbuser:${aws_rds_cluster.this[each.key].cluster_resource_id}/${var.db_app_username}"
    }]
  })
}
