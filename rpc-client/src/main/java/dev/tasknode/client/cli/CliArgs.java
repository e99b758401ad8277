package dev.tasknode.client.cli;

import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.contracts.Wire;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line, parsed. Only the shape is checked here (commands, options, numbers); task parameters
 * are passed on as strings and checked by the contracts' parser, like every other caller's.
 */
record CliArgs(String command, List<String> args, Map<String, String> params, String uri, String node,
               boolean json, boolean follow, Integer timeoutSeconds, Long fromSeq, Integer limit, boolean help) {

    static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672";
    static final List<String> COMMANDS = List.of("start", "status", "result", "logs", "cancel", "list", "tasks");
    private static final Set<String> VALUED = Set.of("--uri", "--node", "--timeout", "--from", "--limit", "--param", "-p");
    /** Options that belong to one command only (the rest are global). */
    private static final Set<String> COMMAND_OPTIONS = Set.of("--param", "--no-follow", "--from", "--limit");

    /** Thrown for a command line that cannot be run; the message says what is wrong. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static CliArgs parse(String[] argv, Map<String, String> env) throws UsageException {
        String command = null;
        List<String> positional = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        String uri = env(env, "TASKNODE_AMQP_URI", DEFAULT_URI);
        String node = env(env, "TASKNODE_NODE", Wire.DEFAULT_NODE);
        boolean json = false;
        boolean follow = true;
        boolean help = false;
        Integer timeout = null;
        Long from = null;
        Integer limit = null;
        Set<String> commandOptions = new java.util.HashSet<>();
        boolean optionsEnded = false;

        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (optionsEnded || !a.startsWith("-") || a.equals("-")) {
                if (command == null) {
                    command = a;
                } else {
                    positional.add(a);
                }
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name = a;
            String val = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                val = a.substring(eq + 1);
            }
            if (VALUED.contains(name)) {
                if (val == null) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException(name + " needs a value");
                    }
                    val = argv[++i];
                }
            } else if (val != null) {
                throw new UsageException("option " + name + " takes no value");
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--json" -> json = true;
                case "--no-follow" -> follow = false;
                case "--uri" -> uri = val;
                case "--node" -> node = val;
                case "--timeout" -> timeout = (int) number(val, name, 1, 86_400);
                case "--from" -> from = number(val, name, 1, Long.MAX_VALUE);
                case "--limit" -> limit = (int) number(val, name, 1, 100_000);
                case "--param", "-p" -> {
                    int at = val.indexOf('=');
                    if (at <= 0) {
                        throw new UsageException("--param takes name=value, got '" + val + "'");
                    }
                    String key = val.substring(0, at).strip();
                    if (params.put(key, val.substring(at + 1)) != null) {
                        throw new UsageException("parameter '" + key + "' is given twice");
                    }
                    name = "--param";
                }
                default -> throw new UsageException("unknown option " + a);
            }
            if (COMMAND_OPTIONS.contains(name)) {
                commandOptions.add(name);
            }
        }
        if (help) {
            return new CliArgs(command, positional, params, uri, node, json, follow, timeout, from, limit, true);
        }
        if (command == null) {
            throw new UsageException("no command given");
        }
        if (!COMMANDS.contains(command)) {
            throw new UsageException("unknown command '" + command + "'; commands: " + String.join(", ", COMMANDS));
        }
        switch (command) {
            case "start" -> {
                arity(command, positional, 1, 2, "start <task> [param]");
                if (positional.size() == 2) {
                    if (params.containsKey(TaskSpec.PARAM)) {
                        throw new UsageException("the parameter is given twice (as argument and as --param param=…)");
                    }
                    Map<String, String> all = new LinkedHashMap<>();
                    all.put(TaskSpec.PARAM, positional.get(1));
                    all.putAll(params);
                    params = all;
                }
            }
            case "status", "result", "cancel" -> arity(command, positional, 1, 1, command + " <task-id>");
            case "logs" -> arity(command, positional, 1, 1, "logs <task-id> [--from N]");
            default -> arity(command, positional, 0, 0, command);
        }
        allow(command, commandOptions, "--param", "start");
        allow(command, commandOptions, "--no-follow", "start");
        allow(command, commandOptions, "--from", "logs");
        allow(command, commandOptions, "--limit", "list", "logs");
        return new CliArgs(command, List.copyOf(positional), params, uri, node, json, follow, timeout, from, limit, false);
    }

    private static long number(String s, String name, long min, long max) throws UsageException {
        try {
            long v = Long.parseLong(s.strip());
            if (v < min || v > max) {
                throw new UsageException(name + " must be from " + min + " to " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " takes a whole number, got '" + s + "'");
        }
    }

    private static void arity(String command, List<String> positional, int min, int max, String usage)
            throws UsageException {
        if (positional.size() < min) {
            throw new UsageException("missing argument; usage: " + usage);
        }
        if (positional.size() > max) {
            throw new UsageException("too many arguments (" + String.join(" ", positional.subList(max, positional.size()))
                    + "); usage: " + usage + (command.equals("start") ? " (more parameters with --param name=value)" : ""));
        }
    }

    private static void allow(String command, Set<String> given, String option, String... commands)
            throws UsageException {
        if (given.contains(option) && !List.of(commands).contains(command)) {
            throw new UsageException(option + " is not an option of '" + command + "'");
        }
    }

    private static String env(Map<String, String> env, String name, String dflt) {
        String v = env.get(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** The task id argument of status, result, logs, cancel. */
    String taskId() {
        return args.get(0);
    }
}
