-- Weighed goods (issue 18): a line of a weighed package keeps its net weight in grams and, when
-- its price was computed from it, the catalog's price per kilogram (minor units). Both are NULL
-- on every other line. The line's quantity is 1 and unit_price_minor the package's price.
-- Never edit this file once it has landed.

ALTER TABLE order_lines ADD COLUMN weight_g INTEGER CHECK (weight_g > 0);
ALTER TABLE order_lines ADD COLUMN per_kg_minor INTEGER CHECK (per_kg_minor >= 0);
