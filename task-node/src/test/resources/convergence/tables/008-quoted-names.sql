-- Tables and columns whose names need quotes.
-- expect: safe
-- before
CREATE TABLE "Order Items" ("Id" integer PRIMARY KEY, "select" text);
-- after
CREATE TABLE "Order Items" ("Id" integer PRIMARY KEY, "select" text, "camelCase" integer);
