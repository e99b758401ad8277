package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.messages.TaskError;
import java.util.LinkedHashMap;
import java.util.Map;

/** Bad task parameters: says which parameter, what was wrong, and what is accepted. Maps to {@code invalid_params}. */
public class ParamException extends IllegalArgumentException {
    private final String param;
    private final String accepted;

    public ParamException(String param, String problem, String accepted) {
        super(param == null ? problem + "; accepted: " + accepted
                : "parameter '" + param + "': " + problem + "; accepted: " + accepted);
        this.param = param;
        this.accepted = accepted;
    }

    public String param() {
        return param;
    }

    public String accepted() {
        return accepted;
    }

    public TaskError toError() {
        Map<String, Object> details = new LinkedHashMap<>();
        if (param != null) {
            details.put("param", param);
        }
        details.put("accepted", accepted);
        return new TaskError(ErrorCode.INVALID_PARAMS, getMessage(), details);
    }
}
