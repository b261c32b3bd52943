"""Domestic abuse housing policy tools: one pure decision engine, its rule data and the site glue."""
