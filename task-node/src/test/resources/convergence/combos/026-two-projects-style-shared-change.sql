-- Shared users gain a column and a unique key a project foreign key then uses.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name text);
-- before
CREATE TABLE members (user_email text);
-- after
CREATE TABLE members (user_email text REFERENCES {shared}.users (email));
