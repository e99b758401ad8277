package dev.tasknode.node.schema.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL file into statements at top-level semicolons, keeping each statement's first line so errors
 * (jOOQ's or PostgreSQL's) can point at the file line. Knows quotes (also {@code E'..\'..'} escapes), dollar
 * quotes, both comment forms and SQL-standard routine bodies ({@code BEGIN ATOMIC ... END}, whose inner
 * statements end in semicolons): that is all the lexing needed to find statement ends. Like psql, it counts
 * BEGIN/CASE against END only in a CREATE FUNCTION/PROCEDURE statement.
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
        int blocks = 0; // open BEGIN/CASE blocks of a routine body
        Boolean routine = null; // whether the current statement is CREATE FUNCTION/PROCEDURE (known after 4 words)
        List<String> words = new ArrayList<>();
        while (i < n) {
            char c = text.charAt(i);
            if (isIdentStart(c) && (i == 0 || !isIdentPart(text.charAt(i - 1)))) {
                int j = i + 1;
                while (j < n && isIdentPart(text.charAt(j))) {
                    j++;
                }
                String w = text.substring(i, j).toLowerCase(java.util.Locale.ROOT);
                if (w.equals("e") && j < n && text.charAt(j) == '\'') {
                    i = skipQuoted(text, j, true);
                    continue;
                }
                if (routine == null) {
                    words.add(w);
                    routine = routineStart(words);
                }
                if (Boolean.TRUE.equals(routine)) {
                    if (w.equals("begin") || w.equals("case")) {
                        blocks++;
                    } else if (w.equals("end") && blocks > 0) {
                        blocks--;
                    }
                }
                i = j;
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
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
                i = skipQuoted(text, i, false);
            } else if (c == '$' && dollarTag(text, i) != null) {
                String tag = dollarTag(text, i);
                int e = text.indexOf(tag, i + tag.length());
                i = e < 0 ? n : e + tag.length();
            } else if (c == ';' && blocks == 0) {
                add(out, text, start, i);
                start = i + 1;
                i++;
                routine = null;
                words.clear();
            } else {
                i++;
            }
        }
        add(out, text, start, n);
        return out;
    }

    /** Past the quoted text starting at {@code i} (its quote char); {@code backslash}: E'' escapes. */
    private static int skipQuoted(String text, int i, boolean backslash) {
        char q = text.charAt(i);
        int n = text.length();
        i++;
        while (i < n) {
            char c = text.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
                continue;
            }
            if (c == q) {
                if (i + 1 < n && text.charAt(i + 1) == q) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    /** null while undecided: CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
    private static Boolean routineStart(List<String> w) {
        if (!w.getFirst().equals("create")) {
            return false;
        }
        if (w.size() < 2) {
            return null;
        }
        int k = 1;
        if (w.get(1).equals("or")) {
            if (w.size() < 4) {
                return null;
            }
            k = 3;
        }
        return w.get(k).equals("function") || w.get(k).equals("procedure");
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
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
