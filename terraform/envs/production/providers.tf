terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = ">= 5.19, < 6.0"
    }
  }

  # Remote state (it contains the shared secrets: keep the bucket private and encrypted).
  # Settings live in an uncommitted backend.hcl, see backend.hcl.example:
  #   terraform init -backend-config=backend.hcl
  backend "s3" {}
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "grpc-edge"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

# Reads the API token from CLOUDFLARE_API_TOKEN (never from a variable or a file in git).
# Token permissions: Account > Workers Scripts:Edit, Zone > Workers Routes:Edit, and for a
# custom domain Zone > DNS:Edit + SSL and Certificates:Edit on the zone.
provider "cloudflare" {}
