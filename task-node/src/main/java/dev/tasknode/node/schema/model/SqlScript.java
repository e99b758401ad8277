package dev.tasknode.node.schema.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL file into statements at top-level semicolons, keeping each statement's first line so errors
 * (jOOQ's or PostgreSQL's) can point at the file line. Knows quotes, dollar quotes and both comment forms;
 * that is all the lexing needed to find statement ends.
 */
public final class SqlScript {
    private SqlScript() {}

    /** A statement without its semicolon; {@code line} is 1-based, where its first token is. */
    public record Statement(int line, String sql) {}

    public static List<Statement> split(String text) {
        List<Statement> out = new ArrayList<>();
        int n = text.length();
        int start = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int e = text.indexOf('\n', i);
                i = e < 0 ? n : e + 1;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (text.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (text.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
            } else if (c == '\'' || c == '"') {
                i++;
                while (i < n) {
                    if (text.charAt(i) == c) {
                        if (i + 1 < n && text.charAt(i + 1) == c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                i++;
            } else if (c == '$' && dollarTag(text, i) != null) {
                String tag = dollarTag(text, i);
                int e = text.indexOf(tag, i + tag.length());
                i = e < 0 ? n : e + tag.length();
            } else if (c == ';') {
                add(out, text, start, i);
                start = i + 1;
                i++;
            } else {
                i++;
            }
        }
        add(out, text, start, n);
        return out;
    }

    private static String dollarTag(String text, int i) {
        if (i > 0 && (Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '_')) {
            return null; // part of an identifier such as a$b
        }
        int j = i + 1;
        while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            j++;
        }
        if (j < text.length() && text.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(text.charAt(i + 1)))) {
            return text.substring(i, j + 1);
        }
        return null;
    }

    private static void add(List<Statement> out, String text, int from, int to) {
        String raw = text.substring(from, to);
        if (stripComments(raw).isBlank()) {
            return;
        }
        // the line of the first character that is neither blank nor inside a leading comment
        int k = from;
        while (k < to) {
            char c = text.charAt(k);
            if (Character.isWhitespace(c)) {
                k++;
            } else if (text.startsWith("--", k)) {
                int e = text.indexOf('\n', k);
                k = e < 0 ? to : e + 1;
            } else if (text.startsWith("/*", k)) {
                int e = text.indexOf("*/", k);
                k = e < 0 ? to : e + 2;
            } else {
                break;
            }
        }
        out.add(new Statement(lineAt(text, k), text.substring(k, to).strip()));
    }

    /** 1-based line number of character offset {@code at}. */
    public static int lineAt(String text, int at) {
        int line = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static String stripComments(String sql) {
        return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
    }
}
