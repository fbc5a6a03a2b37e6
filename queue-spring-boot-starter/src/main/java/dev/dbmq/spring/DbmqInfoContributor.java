package dev.dbmq.spring;

import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code dbmq}: where the queue is, and this application's foreman (its id, as its log lines name it). */
final class DbmqInfoContributor implements InfoContributor {

    private final TaskQueue queue;
    private final DbmqProperties properties;
    private final ForemanLifecycle foreman; // null when dbmq.foreman.enabled=false

    DbmqInfoContributor(TaskQueue queue, DbmqProperties properties, ForemanLifecycle foreman) {
        this.queue = queue;
        this.properties = properties;
        this.foreman = foreman;
    }

    @Override
    public void contribute(Info.Builder builder) {
        QueueSettings settings = queue.settings();
        Map<String, Object> dbmq = new LinkedHashMap<>();
        if (settings.dataSource() == null) {
            dbmq.put("backend", "sqlite");
            dbmq.put("file", settings.databaseFile().toString());
        } else {
            dbmq.put("backend", "postgres");
            dbmq.put("schema", settings.schema() == null ? "(the connections' current schema)" : settings.schema());
        }
        Map<String, Object> f = new LinkedHashMap<>();
        Foreman running = foreman == null ? null : foreman.foreman();
        f.put("enabled", foreman != null);
        if (running != null) {
            f.put("id", running.id());
            f.put("state", running.state().name());
        }
        if (foreman != null) {
            f.put("workers", properties.getForeman().getWorkers());
        }
        dbmq.put("foreman", f);
        builder.withDetail("dbmq", dbmq);
    }
}
