# A root: labeling buckets through the shared module.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "monorepo"
  secret_key                  = "monorepo"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

module "images" {
  source = "../../modules/labeling-bucket"
  name   = "monorepo-labeling-images"
}
