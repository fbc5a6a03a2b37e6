package com.example.app;

import dev.dbmq.spring.TransactionalTaskQueue;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class SignupController {

    private final TransactionalTaskQueue tasks;

    public SignupController(TransactionalTaskQueue tasks) {
        this.tasks = tasks;
    }

    @PostMapping("/signup")
    public String signup(@RequestParam String email) {
        long id = tasks.enqueue(WelcomeHandler.WELCOME, new WelcomeHandler.Welcome(email));
        return "queued task " + id + "\n";
    }
}
