package com.example.app;

import dev.dbmq.Task;
import dev.dbmq.TaskContext;
import dev.dbmq.spring.TaskHandlerBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

@Component
public class WelcomeHandler implements TaskHandlerBean<WelcomeHandler.Welcome> {

    public record Welcome(String email) {
    }

    public static final Task<Welcome> WELCOME = Task.of("welcome", Welcome.class);

    private static final Logger log = LoggerFactory.getLogger(WelcomeHandler.class);

    @Override
    public Task<Welcome> task() {
        return WELCOME;
    }

    @Override
    public void handle(Welcome args, TaskContext context) {
        log.info("welcoming {} (task {})", args.email(), context.id());
    }
}
