-- A shared primary key column that a project foreign key references changes type: PostgreSQL rebuilds the foreign
-- key itself, so nothing is refused and it converges.
-- shared before
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- before
CREATE TABLE members (user_id bigint PRIMARY KEY REFERENCES {shared}.users (id));
-- after
CREATE TABLE members (user_id bigint PRIMARY KEY REFERENCES {shared}.users (id));
