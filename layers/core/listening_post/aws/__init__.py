"""Adapters to AWS services (boto3 lives here and in the lake only); clients are always injected."""
