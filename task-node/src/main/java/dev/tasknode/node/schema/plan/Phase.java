package dev.tasknode.node.schema.plan;

/**
 * The tie-breaker between plan steps the dependency {@link Graph} does not order (and the whole order of steps that
 * declare no keys): types before tables, drops before creates, ... The graph's rules come first.
 */
public final class Phase {
    private Phase() {}

    public static final int SCHEMA = 0;
    public static final int EXTENSION = 1;
    public static final int ENUM = 2;
    public static final int SEQUENCE = 3;
    /** views that are replaced or read a table whose columns change go first, dependents before their bases */
    public static final int DROP_VIEW = 4;
    public static final int DROP_FOREIGN_KEY = 5;
    public static final int DROP_CONSTRAINT = 6;
    public static final int DROP_INDEX = 7;
    public static final int CREATE_TABLE = 10;
    public static final int ALTER_COLUMN_PRE = 20;
    public static final int ADD_COLUMN = 25;
    public static final int ALTER_COLUMN = 30;
    public static final int ALTER_COLUMN_POST = 35;
    public static final int DROP_COLUMN = 40;
    public static final int ADD_CONSTRAINT = 50;
    public static final int ADD_FOREIGN_KEY = 60;
    public static final int CREATE_INDEX = 70;
    public static final int SEQUENCE_OWNED = 75;
    public static final int CREATE_VIEW = 80;
    public static final int COMMENT = 85;
    /**
     * Foreign keys into the shared schema come last: adding one takes SHARE ROW EXCLUSIVE on the shared table,
     * which every project schema's transaction needs in turn; taken last, it is held only until the commit.
     */
    public static final int ADD_SHARED_FOREIGN_KEY = 88;
    public static final int DROP_TABLE = 90;
    public static final int DROP_SEQUENCE = 92;
    public static final int DROP_TYPE = 94;
}
