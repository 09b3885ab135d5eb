-- A certified figure may carry the comparison group's value beside the cohort's own (issue 11):
-- pricing per unit of improvement (the Peterborough model, a price per reconviction event
-- avoided) needs both rates, and its pooled test pools each of them over the cohorts. Exact
-- decimal as text, like `value`; empty for figures that are already a difference.
ALTER TABLE certified_figures ADD COLUMN comparison TEXT;
