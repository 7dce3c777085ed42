# One Aurora Serverless v2 PostgreSQL cluster per service.
#
# Why two clusters rather than one cluster with two databases:
#   * each service owns its data store outright (no shared master user, no CREATE DATABASE
#     bootstrap step: `database_name` creates the single database at cluster creation);
#   * each RDS-managed master secret is readable only by its own service's execution role;
#   * independent scaling, maintenance, restores and failure domains.
# The cost is one extra minimum capacity (db_min_capacity ACUs) - see docs/deploy.md.

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of ${var.name}"
  subnet_ids  = aws_subnet.private[*].id
  tags        = local.common_tags
}

# The newest minor of the chosen major, resolved when a cluster is created. AWS's automatic
# minor upgrades move it afterwards (ignore_changes below), so there is no downgrade diff.
data "aws_rds_engine_version" "postgresql" {
  engine  = "aurora-postgresql"
  version = var.db_engine_major_version
  latest  = true

  filter {
    name   = "engine-mode"
    values = ["provisioned"]
  }
}

resource "aws_rds_cluster" "this" {
  for_each = local.database_names

  cluster_identifier = "${var.name}-${each.key}"
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = data.aws_rds_engine_version.postgresql.version_actual
  database_name      = each.value
  port               = 5432

  master_username = var.db_master_username
  # RDS generates the password and keeps it (and its rotation) in Secrets Manager. Only the
  # db-bootstrap init container sees it (ecs.tf), at each task start, so rotation is harmless.
  manage_master_user_password = true
  # The services log in as db_app_username with IAM tokens (rds-db:connect, secrets.tf).
  iam_database_authentication_enabled = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.database[each.key].id]
  storage_encrypted      = true

  serverlessv2_scaling_configuration {
    min_capacity = var.db_min_capacity
    max_capacity = var.db_max_capacity
    # Only used when min_capacity is 0 (auto-pause).
    seconds_until_auto_pause = var.db_min_capacity == 0 ? 3600 : null
  }

  backup_retention_period         = var.db_backup_retention_days
  preferred_backup_window         = "02:00-03:00"
  preferred_maintenance_window    = "sun:04:00-sun:05:00"
  copy_tags_to_snapshot           = true
  deletion_protection             = var.db_deletion_protection
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${var.name}-${each.key}-final"
  enabled_cloudwatch_logs_exports = ["postgresql"]

  tags = merge(local.common_tags, { Service = each.key })

  lifecycle {
    ignore_changes = [engine_version]
  }
}

locals {
  db_instances = {
    for pair in setproduct(keys(local.database_names), range(var.db_instance_count)) :
    "${pair[0]}-${pair[1]}" => { service = pair[0], index = pair[1] }
  }
}

resource "aws_rds_cluster_instance" "this" {
  for_each = local.db_instances

  identifier          = "${var.name}-${each.value.service}-${each.value.index}"
  cluster_identifier  = aws_rds_cluster.this[each.value.service].id
  engine              = aws_rds_cluster.this[each.value.service].engine
  engine_version      = aws_rds_cluster.this[each.value.service].engine_version
  instance_class      = "db.serverless"
  publicly_accessible = false

  auto_minor_version_upgrade   = true
  performance_insights_enabled = true
  copy_tags_to_snapshot        = true

  tags = merge(local.common_tags, { Service = each.value.service })

  lifecycle {
    ignore_changes = [engine_version]
  }
}
