# Shared application secrets (the same values are bound to the Worker by the edge module)
# and the IAM roles that may read them.

resource "aws_secretsmanager_secret" "shared" {
  for_each = local.shared_secret_names

  # e.g. grpc-edge-production/service-token-secret
  name                    = "${var.name}/${lower(replace(each.key, "_", "-"))}"
  description             = "${each.key} for ${var.name} (shared with the Cloudflare Worker)"
  recovery_window_in_days = var.secret_recovery_window_days

  tags = merge(local.common_tags, { EnvVar = each.key })
}

resource "aws_secretsmanager_secret_version" "shared" {
  for_each = local.shared_secret_names

  secret_id     = aws_secretsmanager_secret.shared[each.key].id
  secret_string = local.shared_secret_values[each.key]
}

locals {
  # Container `secrets` entries per service: env var name -> Secrets Manager reference.
  # The DB password is the `password` JSON key of the RDS-managed master secret.
  container_secrets = {
    for svc in keys(local.service_ports) : svc => concat(
      [{
        name      = "DATABASE_PASSWORD"
        valueFrom = "${aws_rds_cluster.this[svc].master_user_secret[0].secret_arn}:password::"
      }],
      [for s in local.service_shared_secrets[svc] : {
        name      = s
        valueFrom = aws_secretsmanager_secret.shared[s].arn
      }],
    )
  }

  # Exactly the secrets each service's containers reference - nothing more.
  readable_secret_arns = {
    for svc in keys(local.service_ports) : svc => concat(
      [aws_rds_cluster.this[svc].master_user_secret[0].secret_arn],
      [for s in local.service_shared_secrets[svc] : aws_secretsmanager_secret.shared[s].arn],
    )
  }
}

# --- Task execution roles (used by the ECS agent: pull image, write logs, read secrets) --

resource "aws_iam_role" "execution" {
  for_each = local.service_ports

  name = "${var.name}-${each.key}-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = merge(local.common_tags, { Service = each.key })
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  for_each = aws_iam_role.execution

  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
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

# --- Task roles (the application's own AWS identity; it needs no AWS API today) --------

resource "aws_iam_role" "task" {
  for_each = local.service_ports

  name = "${var.name}-${each.key}-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = merge(local.common_tags, { Service = each.key })
}
