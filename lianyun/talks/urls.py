from django.urls import path

from lianyun.talks import views

app_name = "talks"
urlpatterns = [
    path("", views.talk_list, name="talk-list"),
    path("new/", views.talk_create, name="talk-create"),
    path("<int:pk>/", views.talk_detail, name="talk-detail"),
    path("<int:pk>/register/", views.talk_register, name="talk-register"),
    path("<int:pk>/heartbeat/", views.talk_heartbeat, name="talk-heartbeat"),
    path("<int:pk>/recording/", views.recording, name="talk-recording"),
    path("<int:pk>/manage/", views.talk_manage, name="talk-manage"),
    path("questions/<int:pk>/moderate/", views.question_moderate, name="question-moderate"),
    path("reminders/", views.reminder_list, name="reminder-list"),
    path("reminders/new/", views.reminder_create, name="reminder-create"),
    path("reminders/<int:pk>/", views.reminder_detail, name="reminder-detail"),
    path(
        "reminders/<int:pk>/acknowledge/", views.reminder_acknowledge, name="reminder-acknowledge"
    ),
    path("records/", views.record_list, name="record-list"),
    path("records/<int:pk>/", views.record_detail, name="record-detail"),
]
