-- Demo data for one project schema of the sample model (db/model/project). {schema} = p_<id>,
-- {shared} = the shared schema, {id} = the project id. More rows in higher ids, so schemas differ in size.
INSERT INTO {schema}.members (user_id, role)
  SELECT user_id, CASE role_id WHEN 1 THEN 'owner' ELSE 'member' END
  FROM {shared}.project_members WHERE project_id = {id};
INSERT INTO {schema}.labels (name, color) VALUES ('bug', '#d73a4a'), ('feature', '#a2eeef'), ('chore', '#cfd3d7');
INSERT INTO {schema}.boards (name, position, created_by)
  SELECT b, i, (SELECT min(user_id) FROM {schema}.members)
  FROM unnest(ARRAY['Backlog', 'This week', 'Done']) WITH ORDINALITY AS t(b, i);
INSERT INTO {schema}.tasks (board_id, title, body, state, priority, assignee_id)
  SELECT (SELECT min(id) FROM {schema}.boards) + (n % 3), 'Task ' || n || ' of project {id}',
         'Sample work item number ' || n, (ARRAY['open', 'in_progress', 'blocked', 'done'])[1 + n % 4]::{schema}.task_state,
         1 + n % 5, (SELECT min(user_id) FROM {schema}.members)
  FROM generate_series(1, 40 * {id}) AS n;
INSERT INTO {schema}.comments (task_id, author_id, body)
  SELECT id, assignee_id, 'Looks good' FROM {schema}.tasks WHERE id % 3 = 0;
