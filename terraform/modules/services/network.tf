# VPC with two public subnets (NAT gateways only) and two private subnets (internal ALB,
# cloudflared, tasks, Aurora). Nothing in it accepts a connection from the internet.

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

  # Only the NAT gateways live here; nothing gets a public IP implicitly.
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
#   Cloudflare <--7844 (QUIC), 443-- cloudflared --80--> internal ALB --50051--> user
#                                                                      --50052--> order
#   user --50052 (h2c)--> order        user --5432--> user db      order --5432--> order db
#   scrapers (metrics_scraper_security_group_ids) --metrics_port--> user, order
#
# No rule anywhere admits a CIDR: every ingress names the security group it comes from.

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Internal ALB: HTTP from cloudflared only"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.common_tags, { Name = "${var.name}-alb" })
}

resource "aws_security_group" "cloudflared" {
  name        = "${var.name}-cloudflared"
  description = "cloudflared connector: outbound to Cloudflare and the internal ALB, no inbound"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.common_tags, { Name = "${var.name}-cloudflared" })
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

locals {
  # Every ingress rule of the module, security group to security group.
  ingress_rules = merge(
    {
      alb_from_cloudflared = {
        security_group_id = aws_security_group.alb.id
        source_id         = aws_security_group.cloudflared.id
        port              = local.alb_listener_port
        description       = "Worker requests through the tunnel (cloudflared) only"
      }
      order_from_user = {
        security_group_id = aws_security_group.service["order"].id
        source_id         = aws_security_group.service["user"].id
        port              = local.service_ports.order
        description       = "Native gRPC (h2c) from the user service"
      }
    },
    { for svc, port in local.service_ports : "${svc}_from_alb" => {
      security_group_id = aws_security_group.service[svc].id
      source_id         = aws_security_group.alb.id
      port              = port
      description       = "Connect over HTTP/1.1 and /readyz health checks from the internal ALB"
    } },
    { for svc in keys(local.service_ports) : "${svc}_db_from_${svc}" => {
      security_group_id = aws_security_group.database[svc].id
      source_id         = aws_security_group.service[svc].id
      port              = 5432
      description       = "PostgreSQL from the ${svc} service only"
    } },
    { for pair in setproduct(keys(local.service_ports), range(length(var.metrics_scraper_security_group_ids))) : "${pair[0]}_metrics_${pair[1]}" => {
      security_group_id = aws_security_group.service[pair[0]].id
      source_id         = var.metrics_scraper_security_group_ids[pair[1]]
      port              = var.metrics_port
      description       = "Prometheus scrape of METRICS_PORT from inside the VPC"
    } },
  )

  # Egress, also least privilege. CIDR egress only where the far end is outside the VPC:
  # HTTPS through NAT (ECR, CloudWatch Logs, Secrets Manager; Cloudflare's API for
  # cloudflared) and Cloudflare's edge on 7844 (QUIC over UDP, HTTP/2 over TCP as fallback).
  egress_sg_rules = merge(
    { for svc, port in local.service_ports : "alb_to_${svc}" => {
      security_group_id = aws_security_group.alb.id
      target_id         = aws_security_group.service[svc].id
      port              = port
      description       = "Requests and health checks to ${svc} tasks"
    } },
    {
      cloudflared_to_alb = {
        security_group_id = aws_security_group.cloudflared.id
        target_id         = aws_security_group.alb.id
        port              = local.alb_listener_port
        description       = "Proxied Worker requests to the internal ALB"
      }
      user_to_order = {
        security_group_id = aws_security_group.service["user"].id
        target_id         = aws_security_group.service["order"].id
        port              = local.service_ports.order
        description       = "Native gRPC (h2c) to the order service"
      }
    },
    { for svc in keys(local.service_ports) : "${svc}_to_db" => {
      security_group_id = aws_security_group.service[svc].id
      target_id         = aws_security_group.database[svc].id
      port              = 5432
      description       = "PostgreSQL to its own database"
    } },
  )

  egress_internet_rules = merge(
    { for sg in concat(keys(local.service_ports), ["cloudflared"]) : "${sg}_https" => {
      security_group_id = sg == "cloudflared" ? aws_security_group.cloudflared.id : aws_security_group.service[sg].id
      protocol          = "tcp"
      port              = 443
      description       = "HTTPS through NAT (AWS APIs, image pulls)"
    } },
    { for protocol in ["udp", "tcp"] : "cloudflared_edge_${protocol}" => {
      security_group_id = aws_security_group.cloudflared.id
      protocol          = protocol
      port              = 7844
      description       = "Tunnel connections to Cloudflare's edge (${protocol == "udp" ? "QUIC" : "HTTP/2 fallback"})"
    } },
  )
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.ingress_rules

  security_group_id            = each.value.security_group_id
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.source_id
}

resource "aws_vpc_security_group_egress_rule" "to_security_group" {
  for_each = local.egress_sg_rules

  security_group_id            = each.value.security_group_id
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.target_id
}

resource "aws_vpc_security_group_egress_rule" "to_internet" {
  for_each = local.egress_internet_rules

  security_group_id = each.value.security_group_id
  description       = each.value.description
  ip_protocol       = each.value.protocol
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = "0.0.0.0/0"
}
