package dev.tasknode.contracts;

import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void requestIsSnakeCase() {
        String json = new String(Json.write(TaskRequest.of("t-1", "create_tables", Map.of("param", "shared"))));
        assertEquals("{\"v\":1,\"task_id\":\"t-1\",\"task\":\"create_tables\",\"params\":{\"param\":\"shared\"}}", json);
    }

    @Test
    void eventsRoundTripByType() {
        Instant now = Instant.parse("2026-11-24T06:00:00Z");
        TaskEvent log = LogLine.of("t", 1, now, "INFO", "hello");
        TaskEvent res = TaskResult.of("t", 2, "ping", TaskStatus.SUCCEEDED, "ok",
                Json.MAPPER.valueToTree(Map.of("a", 1)), null, now, now);
        String json = new String(Json.write(res));
        assertTrue(json.contains("\"status\":\"succeeded\""), json);
        assertTrue(json.contains("\"ts\":\"2026-11-24T06:00:00Z\""), json);
        assertInstanceOf(LogLine.class, Json.read(Json.write(log), TaskEvent.class));
        TaskResult back = (TaskResult) Json.read(Json.write(res), TaskEvent.class);
        assertEquals(1, back.result().get("a").asInt());
        ControlReply reply = ControlReply.events(null, List.of(log, res));
        ControlReply r2 = Json.read(Json.write(reply), ControlReply.class);
        assertEquals(List.of(log, back), r2.events());
    }

    @Test
    void replyCarriesErrorCode() {
        TaskReply r = TaskReply.rejected("t", "x", TaskError.of(ErrorCode.EXPIRED, "too late"));
        TaskReply back = Json.read(Json.write(r), TaskReply.class);
        assertEquals(TaskStatus.EXPIRED, back.status());
        assertEquals("expired", back.error().code());
    }
}
