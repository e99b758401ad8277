package dev.tasknode.node.backup.store;

import java.nio.file.Path;

/** For tests outside this package: BackupStore's recursive delete and its temp-directory prefix. */
public final class BackupTestAccess {
    /** {@link BackupStore}'s prefix of a backup still being written (or deleted). */
    public static final String TMP = BackupStore.TMP;

    private BackupTestAccess() {}

    public static void deleteTree(Path p) {
        BackupStore.deleteTree(p);
    }
}
