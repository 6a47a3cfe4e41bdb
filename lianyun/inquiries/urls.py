from django.urls import path

from lianyun.inquiries import views

app_name = "inquiries"
urlpatterns = [
    path("", views.inquiry_list, name="inquiry-list"),
    path("ask/", views.inquiry_create, name="inquiry-create"),
    path("mine/", views.inquiry_mine, name="inquiry-mine"),
    path("scoreboard/", views.inquiry_scoreboard, name="inquiry-scoreboard"),
    path("statistics/", views.statistics, name="meeting-statistics"),
    path("screening/", views.screening, name="inquiry-screening"),
    path("answering/", views.answering, name="inquiry-answering"),
    path("referred/", views.referred, name="inquiry-referred"),
    path("<int:pk>/", views.inquiry_detail, name="inquiry-detail"),
    path("<int:pk>/rate/", views.inquiry_rate, name="inquiry-rate"),
    path("<int:pk>/confirm/", views.inquiry_confirm, name="inquiry-confirm"),
    path("<int:pk>/screen/", views.inquiry_screen, name="inquiry-screen"),
    path("<int:pk>/answer/", views.inquiry_answer, name="inquiry-answer"),
    path("<int:pk>/conclude/", views.inquiry_conclude, name="inquiry-conclude"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/notice/", views.meeting_notice, name="meeting-notice"),
    path("meetings/<int:pk>/result/", views.meeting_result, name="meeting-result"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting-record"),
    path(
        "meetings/<int:pk>/officials/<int:qid>/statement/",
        views.meeting_statement,
        name="meeting-statement",
    ),
    path("meetings/<int:pk>/officials/<int:qid>/vote/", views.meeting_vote, name="meeting-vote"),
    path("meetings/<int:pk>/demands/", views.meeting_demand, name="meeting-demand"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting-publish"),
    path("demands/<int:pk>/", views.demand_detail, name="demand-detail"),
    path("demands/<int:pk>/manage/", views.demand_manage, name="demand-manage"),
    path("demands/<int:pk>/feedback/", views.demand_feedback, name="demand-feedback"),
    path("demands/<int:pk>/confirm/", views.demand_confirm, name="demand-confirm"),
]
