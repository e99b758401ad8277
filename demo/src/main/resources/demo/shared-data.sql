-- Demo data for the sample model's shared schema (task-node's db/model/shared). {shared} = the shared schema.
INSERT INTO {shared}.users (email, name, status) VALUES
  ('ada@example.com', 'Ada Lovelace', 'active'),
  ('grace@example.com', 'Grace Hopper', 'active'),
  ('linus@example.com', 'Linus Torvalds', 'invited');
INSERT INTO {shared}.roles (name, permissions, description) VALUES
  ('owner', '{read,write,admin}', 'Owns the project'),
  ('member', '{read,write}', 'Works in the project');
INSERT INTO {shared}.projects (id, name, owner_id, plan) VALUES
  (1, 'Apollo', 1, 'team'),
  (2, 'Borealis', 2, 'free'),
  (3, 'Cassini', 1, 'enterprise');
INSERT INTO {shared}.project_members (project_id, user_id, role_id)
  SELECT p.id, u.id, CASE WHEN p.owner_id = u.id THEN 1 ELSE 2 END
  FROM {shared}.projects p CROSS JOIN {shared}.users u WHERE u.status = 'active';
