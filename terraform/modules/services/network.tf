# VPC with two public subnets (ALB, NAT) and two private subnets (tasks, Aurora).

resource "aws_vpc" "this" {
  cidr_block = var.vpc_cidr

  # Both required for the Cloud Map private DNS namespace (order.grpc-edge.local).
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.common_tags, { Name = var.name })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.common_tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = length(local.azs)

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index)

  # Nothing in these subnets gets a public IP implicitly; the ALB and NAT have their own.
  map_public_ip_on_launch = false

  tags = merge(local.common_tags, { Name = "${var.name}-public-${local.azs[count.index]}", Tier = "public" })
}

resource "aws_subnet" "private" {
  count = length(local.azs)

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index + 1)

  map_public_ip_on_launch = false

  tags = merge(local.common_tags, { Name = "${var.name}-private-${local.azs[count.index]}", Tier = "private" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.common_tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = length(local.azs)

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  count = var.single_nat_gateway ? 1 : length(local.azs)

  domain = "vpc"
  tags   = merge(local.common_tags, { Name = "${var.name}-nat-${count.index}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = var.single_nat_gateway ? 1 : length(local.azs)

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = merge(local.common_tags, { Name = "${var.name}-nat-${count.index}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "private" {
  count = length(local.azs)

  vpc_id = aws_vpc.this.id
  tags   = merge(local.common_tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_route" "private_nat" {
  count = length(local.azs)

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count = length(local.azs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# --- Security groups -------------------------------------------------------
#
#   internet/Cloudflare --443--> alb --50051--> user --50052--> order
#                                               user --5432--> user db
#                                              order --5432--> order db

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "HTTPS from the Worker (Cloudflare) to the user service ALB"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.common_tags, { Name = "${var.name}-alb" })
}

resource "aws_security_group" "service" {
  for_each = local.service_ports

  name        = "${var.name}-${each.key}"
  description = "ECS tasks of the ${each.key} service"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.common_tags, { Name = "${var.name}-${each.key}", Service = each.key })
}

resource "aws_security_group" "database" {
  for_each = local.service_ports

  name        = "${var.name}-${each.key}-db"
  description = "Aurora cluster owned by the ${each.key} service"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.common_tags, { Name = "${var.name}-${each.key}-db", Service = each.key })
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.alb_ingress_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_user" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Requests and health checks to user tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.service_ports.user
  to_port                      = local.service_ports.user
  referenced_security_group_id = aws_security_group.service["user"].id
}

# Every SG-to-SG ingress rule of the module. Nothing else opens a service or database port.
locals {
  internal_ingress_rules = {
    user_from_alb = {
      security_group_id = aws_security_group.service["user"].id
      source_id         = aws_security_group.alb.id
      port              = local.service_ports.user
      description       = "Connect/gRPC-Web over HTTP/1.1 from the ALB"
    }
    order_from_user = {
      security_group_id = aws_security_group.service["order"].id
      source_id         = aws_security_group.service["user"].id
      port              = local.service_ports.order
      description       = "Native gRPC (h2c) from the user service only"
    }
    user_db_from_user = {
      security_group_id = aws_security_group.database["user"].id
      source_id         = aws_security_group.service["user"].id
      port              = 5432
      description       = "PostgreSQL from the user service only"
    }
    order_db_from_order = {
      security_group_id = aws_security_group.database["order"].id
      source_id         = aws_security_group.service["order"].id
      port              = 5432
      description       = "PostgreSQL from the order service only"
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "internal" {
  for_each = local.internal_ingress_rules

  security_group_id            = each.value.security_group_id
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.source_id
}

# Tasks need outbound HTTPS (ECR, CloudWatch Logs, Secrets Manager via NAT), PostgreSQL
# and, for the user service, gRPC to the order service.
resource "aws_vpc_security_group_egress_rule" "service_all" {
  for_each = aws_security_group.service

  security_group_id = each.value.id
  description       = "All outbound traffic"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
