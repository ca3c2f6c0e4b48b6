# An Aurora PostgreSQL cluster for several resetbot replicas, with IAM database authentication:
# the bot signs in with a token from its own AWS role (RESETBOT_STORE_IAM_AUTH=true), so no
# database password exists for it.
#
#   terraform init && terraform apply -var vpc_id=… -var 'subnet_ids=[…]' -var bot_role_name=…
#
# Then, once, as the master user (its password is kept by RDS in Secrets Manager):
#
#   CREATE ROLE resetbot LOGIN;
#   GRANT rds_iam TO resetbot;
#   GRANT CREATE, USAGE ON SCHEMA public TO resetbot;   -- serve applies the migrations
#
# and set RESETBOT_STORE to the `resetbot_store` output.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "vpc_id" {
  type        = string
  description = "The VPC the bot runs in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets in at least two availability zones."
}

variable "bot_security_group_id" {
  type        = string
  description = "The security group of the bot's pods or tasks, allowed to reach the database."
}

variable "bot_role_name" {
  type        = string
  description = "The IAM role the bot runs as (IRSA or the ECS task role)."
}

variable "db_user" {
  type        = string
  default     = "resetbot"
  description = "The database role the bot signs in as."
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

resource "aws_db_subnet_group" "resetbot" {
  name       = "resetbot"
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "db" {
  name   = "resetbot-db"
  vpc_id = var.vpc_id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [var.bot_security_group_id]
  }
}

resource "aws_rds_cluster" "resetbot" {
  cluster_identifier                  = "resetbot"
  engine                              = "aurora-postgresql"
  engine_version                      = "15.8"
  database_name                       = "resetbot"
  master_username                     = "postgres"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
  storage_encrypted                   = true
  backup_retention_period             = 14
  deletion_protection                 = true
  copy_tags_to_snapshot               = true
  db_subnet_group_name                = aws_db_subnet_group.resetbot.name
  vpc_security_group_ids              = [aws_security_group.db.id]
}

# A writer and a reader in another zone: on a failover the reader is promoted, the cluster
# endpoint moves to it in about 30 seconds, and the bot's pool reconnects by itself.
resource "aws_rds_cluster_instance" "resetbot" {
  count              = 2
  identifier         = "resetbot-${count.index}"
  cluster_identifier = aws_rds_cluster.resetbot.id
  engine             = aws_rds_cluster.resetbot.engine
  engine_version     = aws_rds_cluster.resetbot.engine_version
  instance_class     = "db.t4g.medium"
}

# The bot's role may sign in as db_user, and only as db_user, on this cluster.
resource "aws_iam_role_policy" "rds_connect" {
  name = "resetbot-rds-connect"
  role = var.bot_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ResetbotDatabaseSignIn"
      Effect   = "Allow"
      Action   = "rds-db:connect"
      Resource = "arn:aws:rds-db:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:dbuser:${aws_rds_cluster.resetbot.cluster_resource_id}/${var.db_user}"
    }]
  })
}

output "resetbot_store" {
  description = "RESETBOT_STORE for the bot (with RESETBOT_STORE_IAM_AUTH=true): TLS that checks the cluster's certificate and name against the RDS certificate authorities, which deploy/ecs-postgres's image and deploy/kubernetes-postgres's pods have at /etc/resetbot/rds-ca.pem."
  value       = "postgres://${var.db_user}@${aws_rds_cluster.resetbot.endpoint}:5432/resetbot?sslmode=verify-full&sslrootcert=/etc/resetbot/rds-ca.pem"
}
