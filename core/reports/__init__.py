"""Reports for the reseller: revenue, cost, profit and order counts from what orders recorded."""
