package dev.tasknode.node.schema.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.node.schema.SchemaTestDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Definitions rendered once per raw form ({@link Rendered}) give every schema the catalog it gets when each of its
 * definitions is rendered for it alone — also where a weaker key would mix up two forms: the same check on a column
 * of another name, a foreign key to another table or column, other key options, a literal naming the schema.
 */
class RenderedTest {
    static SchemaTestDb db;
    /** the template's schemas: identical but for their names (of several lengths) */
    static final List<String> SAME = List.of("t_1", "t_2", "t_10", "t_11", "t_100");
    /** each differs from the template in one thing the rendered text shows */
    static final List<String> VARIANTS = List.of("v_col", "v_ref", "v_opt", "v_act", "v_lit", "v_step_1", "v_trg", "lit_a", "lit_b",
            "v_enum", "v_vcol", "v_relname");

    static String template(String s, String variant) {
        String qty = variant.equals("v_col") ? "amount" : "qty"; // same attribute number, another name
        String target = variant.equals("v_ref") ? "other" : "boards"; // same shape, another table
        String with = variant.equals("v_opt") ? " DEFERRABLE" : "";
        String action = variant.equals("v_act") ? "SET NULL" : "CASCADE";
        String literal = variant.startsWith("lit_") ? "lit_a" : "none"; // lit_a's literal names lit_a itself
        return "CREATE SCHEMA " + s + ";\n"
                + "CREATE TYPE " + s + ".state AS ENUM ('open', 'done');\n"
                + "CREATE TABLE " + s + ".boards (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x', UNIQUE (name) INCLUDE (id)" + with + ");\n"
                + "CREATE TABLE " + s + ".other (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x', UNIQUE (name) INCLUDE (id));\n"
                + "CREATE TABLE " + s + ".items (id serial PRIMARY KEY, board_id bigint REFERENCES " + s + "." + target
                + " (id) ON DELETE " + action + ", " + qty + " int NOT NULL DEFAULT 1 CHECK (" + qty + " > 0),"
                + " state " + s + ".state NOT NULL DEFAULT 'open', label text CHECK (label <> '" + literal + "'),"
                + " owner_id bigint REFERENCES shared.users (id) DEFERRABLE INITIALLY DEFERRED,"
                + " made_at timestamptz DEFAULT now(), doubled int GENERATED ALWAYS AS (" + qty + " * 2) STORED,"
                + " kind text, moved_from bigint REFERENCES " + s + "." + target + " (id) ON DELETE " + action + ");\n"
                + "ALTER TABLE " + s + ".items ADD CONSTRAINT items_kind_check CHECK (kind IN ('a', 'b')) NOT VALID;\n"
                + "CREATE FUNCTION " + s + ".touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
                + "CREATE TRIGGER items_touch " + (variant.equals("v_trg") ? "AFTER" : "BEFORE") + " UPDATE OF " + qty
                + " ON " + s + ".items FOR EACH ROW WHEN (OLD." + qty + " IS DISTINCT FROM NEW." + qty + ") EXECUTE FUNCTION "
                + s + ".touch();\n"
                + (variant.equals("v_step_1") ? "ALTER TABLE " + s + ".items ADD COLUMN step_1 int CHECK (step_1 > 0);\n" : "")
                // views: an enum constant, a view on a view, a table of the same shape, the shared schema, a local
                // function (its OID stays in the raw form), a renamed view column, a renamed table
                + "CREATE FUNCTION " + s + ".one() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
                + "CREATE VIEW " + s + ".open_items AS SELECT i.id, i." + qty + ", i.state, i.label FROM " + s + ".items i WHERE i.state <> '"
                + (variant.equals("v_enum") ? "open" : "done") + "' AND i.label <> '" + literal + "';\n"
                + "CREATE VIEW " + s + ".board_counts AS SELECT b.id, count(o.id) AS n FROM " + s + "." + target + " b"
                + " LEFT JOIN " + s + ".open_items o ON o.id = b.id GROUP BY b.id;\n"
                + "CREATE VIEW " + s + ".owners AS SELECT u.id, " + s + ".one() AS one FROM shared.users u WHERE u.id > 0;\n"
                + "CREATE MATERIALIZED VIEW " + s + ".item_states AS SELECT state, count(*) AS n FROM " + s + ".items GROUP BY state;\n"
                + (variant.equals("v_vcol") ? "ALTER VIEW " + s + ".open_items RENAME COLUMN label TO tag;\n" : "")
                + (variant.equals("v_relname") ? "ALTER TABLE " + s + ".other RENAME TO boards2;\n"
                        + "ALTER TABLE " + s + ".boards RENAME TO other;\n" + "ALTER TABLE " + s + ".boards2 RENAME TO boards;\n" : "");
    }

    @BeforeAll
    static void schemas() throws SQLException {
        db = new SchemaTestDb("tn_rendered");
        StringBuilder sql = new StringBuilder("CREATE SCHEMA shared; CREATE TABLE shared.users (id bigint PRIMARY KEY);\n");
        SAME.forEach(s -> sql.append(template(s, "")));
        VARIANTS.forEach(s -> sql.append(template(s, s)));
        db.exec(sql.toString());
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void sharedRenderingsGiveEachSchemaItsOwnCatalog() throws SQLException {
        List<String> all = new ArrayList<>(SAME);
        all.addAll(VARIANTS);
        all.add("shared");
        Rendered rendered = new Rendered();
        try (Connection c = db.ds.getConnection()) {
            // two batches over one Rendered (the second reuses what the first rendered), against each schema alone
            Map<String, Catalog.Schema> first = CatalogInspector.inspect(c, all.subList(0, 7), "shared", Set.of(),
                    CatalogInspector.Detail.FULL, rendered);
            long rendersFirst = rendered.renders();
            Map<String, Catalog.Schema> second = CatalogInspector.inspect(c, all.subList(7, all.size()), "shared", Set.of(),
                    CatalogInspector.Detail.FULL, rendered);
            for (String s : all) {
                Catalog.Schema alone = CatalogInspector.inspect(c, List.of(s), "shared", Set.of(),
                        CatalogInspector.Detail.FULL, new Rendered(false)).get(s); // each definition rendered for itself
                Catalog.Schema batched = first.containsKey(s) ? first.get(s) : second.get(s);
                assertEquals(alone, batched, s);
                assertEquals(alone.fingerprint(), batched.fingerprint(), s);
            }
            assertTrue(rendered.reused() > 0, "identical definitions are rendered once");
            assertTrue(rendered.renders() - rendersFirst < rendersFirst, "the second batch renders less than the first");

            Catalog.Table items = first.get("t_1").tables().get("items");
            assertEquals(items, first.get("t_100").tables().get("items"), "names of other lengths, the same texts");
            assertTrue(def(items, "items_board_id_fkey").contains("{schema}.boards"), def(items, "items_board_id_fkey"));
            // a second key to the same table, alike but for its column
            assertTrue(def(items, "items_moved_from_fkey").startsWith("FOREIGN KEY (moved_from)"), def(items, "items_moved_from_fkey"));
            assertTrue(def(items, "items_owner_id_fkey").contains("{shared}.users"), def(items, "items_owner_id_fkey"));
            Catalog.Table col = first.get("v_col").tables().get("items");
            assertTrue(def(col, "items_amount_check").contains("amount > 0"), def(col, "items_amount_check"));
            Map<String, Catalog.Schema> all2 = new java.util.HashMap<>(first);
            all2.putAll(second);
            assertTrue(def(all2.get("v_ref").tables().get("items"), "items_board_id_fkey").contains("{schema}.other"));
            assertTrue(def(all2.get("v_act").tables().get("items"), "items_board_id_fkey").contains("SET NULL"));
            assertNotEquals(def(items, "items_board_id_fkey"), def(all2.get("v_act").tables().get("items"), "items_board_id_fkey"));
            assertTrue(def(all2.get("v_opt").tables().get("boards"), "boards_name_id_key").contains("DEFERRABLE"));
            String trigger = first.get("t_1").objects().triggers().get("items.items_touch").def();
            assertTrue(trigger.contains("BEFORE UPDATE OF qty ON {schema}.items") && trigger.contains("EXECUTE FUNCTION {schema}.touch()"), trigger);
            assertTrue(all2.get("v_trg").objects().triggers().get("items.items_touch").def().contains("AFTER UPDATE"));
            assertTrue(first.get("v_col").objects().triggers().get("items.items_touch").def().contains("OF amount"));
            assertFalse(def(items, "items_label_check").contains("lit_a"));
            assertTrue(def(items, "items_kind_check").endsWith("NOT VALID"), def(items, "items_kind_check"));
            assertTrue(def(all2.get("lit_b").tables().get("items"), "items_label_check").contains("'lit_a'"));

            String openItems = first.get("t_1").views().get("open_items").def();
            assertEquals(openItems, first.get("t_100").views().get("open_items").def());
            assertTrue(openItems.contains("FROM {schema}.items i") && openItems.contains("'done'::{schema}.state"), openItems);
            assertTrue(all2.get("v_enum").views().get("open_items").def().contains("'open'::{schema}.state"));
            assertTrue(first.get("v_col").views().get("open_items").def().contains("i.amount"));
            assertTrue(all2.get("v_vcol").views().get("open_items").def().contains("i.label AS tag"),
                    all2.get("v_vcol").views().get("open_items").def());
            assertTrue(first.get("t_1").views().get("board_counts").def().contains("FROM ({schema}.boards b"));
            assertTrue(first.get("v_ref").views().get("board_counts").def().contains("FROM ({schema}.other b"));
            assertTrue(all2.get("v_relname").views().get("board_counts").def().contains("FROM ({schema}.other b"),
                    all2.get("v_relname").views().get("board_counts").def());
            assertTrue(first.get("t_1").views().get("owners").def().contains("{shared}.users u"));
            assertTrue(all2.get("lit_a").views().get("open_items").def().contains("'lit_a'"));
        }
    }

    /**
     * The fingerprint, fed to the digest piece by piece, is the digest of the one canonical text it was before
     * (stored histories and {@code expect} parameters hold fingerprints), and still tells the variants apart.
     */
    @Test
    void fingerprintsAreTheDigestsOfTheCanonicalText() throws Exception {
        List<String> all = new ArrayList<>(SAME);
        all.addAll(VARIANTS);
        all.add("shared");
        all.add("no_such_schema");
        try (Connection c = db.ds.getConnection()) {
            Map<String, Catalog.Schema> got = CatalogInspector.inspect(c, all, "shared", Set.of(),
                    CatalogInspector.Detail.FULL, new Rendered());
            Map<String, String> distinct = new java.util.TreeMap<>();
            for (String s : all) {
                Catalog.Schema schema = got.get(s);
                byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(canonical(schema).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(java.util.HexFormat.of().formatHex(d).substring(0, 16), schema.fingerprint(), s);
                distinct.merge(schema.fingerprint(), s, (a, b) -> a + "+" + b);
            }
            assertFalse(got.get("no_such_schema").exists());
            // the identical schemas share one (v_lit is the template: only lit_* change the literal), so do lit_a and
            // lit_b (the same literal 'lit_a', which is not a name); every other variant, the shared schema and the
            // absent one have their own
            assertEquals("t_1+t_2+t_10+t_11+t_100+v_lit", distinct.get(got.get("t_1").fingerprint()));
            assertEquals("lit_a+lit_b", distinct.get(got.get("lit_a").fingerprint()));
            assertEquals(VARIANTS.size() - 3 + 2 + 2, distinct.size(), distinct.values().toString());
        }
    }

    /** The one string the fingerprint was the digest of before it was fed piece by piece: its value must not change. */
    static String canonical(Catalog.Schema s) {
        return s.exists() + "|" + s.tables() + "|" + s.views() + "|" + s.sequences() + "|" + s.enums() + "|" + s.extensions()
                + (s.storage().isEmpty() ? "" : "|" + s.storage())
                + (s.objects().isEmpty() ? "" : "|" + s.objects())
                + (s.extras().equals(Extras.empty()) ? "" : "|" + s.extras());
    }

    /**
     * Identical schemas render each view once: what one more schema costs is what stays its own (here
     * the view that calls the schema's own function, whose OID stays in the raw form).
     */
    @Test
    void identicalSchemasRenderOnlyWhatIsTheirOwn() throws SQLException {
        try (Connection c = db.ds.getConnection()) {
            Rendered one = new Rendered();
            CatalogInspector.inspect(c, SAME.subList(0, 1), "shared", Set.of(), CatalogInspector.Detail.FULL, one);
            Rendered five = new Rendered();
            CatalogInspector.inspect(c, SAME, "shared", Set.of(), CatalogInspector.Detail.FULL, five);
            String views = CatalogInspector.RENDER_VIEWS;
            assertEquals(4, one.renders(views), "the schema's views");
            // names of three lengths: the positions in the views' texts differ, the raw forms do not
            assertEquals(4 + 4, five.renders(views), "one view per further schema: the one calling its own function");
        }
    }

    /**
     * The hand-written scanner of node trees ({@link Rendered#treeKey}) reads what the regular expression it replaced
     * read: the same key for every stored tree of this database (views' rules, defaults, checks) and for made-up
     * edge cases, naming every object, some objects or none.
     */
    @Test
    void treeKeysAreThoseOfTheFormerRegularExpression() throws SQLException {
        List<String> trees = new ArrayList<>(List.of(
                "{CONST :consttype 16390 :consttypmod -1 :constlen 4 :constbyval true :constisnull false :location 7"
                        + " :constvalue 4 [ 7 64 0 0 0 0 0 0 ]}",
                "{CONST :consttype 16390 :constvalue 4 [ ]} :constvalue 4 [ 1 2 x ] :constvalue 4 [ -3 0 0 0 ]",
                ":a 20000\n:b -20000 (:c 30000){:d 99999999999999999999 :e - :f 12abc :g 40000.5 x:h 50000 :stmt_len 60000",
                ":resulttypmod 70000 :typmod 70000 :location 70000 :stmt_location 3 :_ 80000 :x\t:y 90000", ""));
        try (Connection c = db.ds.getConnection(); var st = c.createStatement(); var rs = st.executeQuery(
                "SELECT ev_action::text FROM pg_rewrite WHERE ev_class >= 16384 UNION ALL SELECT adbin::text FROM pg_attrdef"
                        + " UNION ALL SELECT conbin::text FROM pg_constraint WHERE conbin IS NOT NULL")) {
            while (rs.next()) {
                trees.add(rs.getString(1));
            }
        }
        assertTrue(trees.size() > 100, "trees read: " + trees.size());
        List<java.util.function.LongFunction<String>> namings = List.of(oid -> "o" + oid, oid -> oid % 3 == 0 ? "x" + oid : null,
                oid -> null);
        for (String tree : trees) {
            for (var naming : namings) {
                assertEquals(regexKey(tree, naming, naming), Rendered.treeKey(tree, naming, naming), tree);
            }
        }
    }

    /** The regular expression treeKey used before: the oracle for the scanner. */
    private static String regexKey(String tree, java.util.function.LongFunction<String> local,
                                   java.util.function.LongFunction<String> label) {
        var m = java.util.regex.Pattern.compile("(?<=[\\s{(])(:[A-Za-z_]+) (-?\\d+)(?: \\[((?: -?\\d+)*) \\])?").matcher(tree);
        StringBuilder out = new StringBuilder();
        int from = 0;
        boolean localConst = false;
        while (m.find()) {
            String field = m.group(1);
            String replaced = null;
            if (m.group(3) != null) {
                if (field.equals(":constvalue") && localConst && !m.group(3).isBlank()) {
                    String[] b = m.group(3).strip().split(" ");
                    long v = 0;
                    for (int i = b.length - 1; i >= 0; i--) {
                        v = (v << 8) | (Integer.parseInt(b[i]) & 0xff);
                    }
                    replaced = v >= 16384 ? label.apply(v) : null;
                }
            } else if (field.endsWith("location")) {
                replaced = "";
            } else if (!field.equals(":stmt_len") && !field.endsWith("typmod") && m.group(2).length() <= 18) {
                long n = Long.parseLong(m.group(2));
                replaced = n >= 16384 ? local.apply(n) : null;
                if (field.equals(":consttype")) {
                    localConst = replaced != null;
                }
            }
            if (replaced != null) {
                out.append(tree, from, m.start(2)).append(replaced.isEmpty() ? "" : "<" + replaced + ">");
                from = m.end();
            }
        }
        out.append(tree, from, tree.length());
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNameCountsOnlyAsAWordOfItsOwn() {
        assertTrue(Rendered.mentions("CHECK (label <> 'p_1'::text)", "p_1"));
        assertTrue(Rendered.mentions("p_1", "p_1"));
        assertFalse(Rendered.mentions("CHECK (step_1 > 0)", "p_1"));
        assertFalse(Rendered.mentions("CHECK (p_10 > 0)", "p_1"));
        assertFalse(Rendered.mentions("REFERENCES {schema}.boards(id)", "p_1"));
    }

    private static String def(Catalog.Table t, String constraint) {
        Catalog.Constraint c = t.constraints().get(constraint);
        assertTrue(c != null, () -> constraint + " not in " + t.constraints().keySet());
        return c.def();
    }
}
