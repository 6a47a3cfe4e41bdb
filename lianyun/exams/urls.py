from django.urls import path

from lianyun.exams import views

app_name = "exams"
urlpatterns = [
    path("", views.exam_list, name="exam-list"),
    path("quiz/", views.quiz_paper, name="quiz"),
    path("quiz/keep/", views.quiz_keep, name="quiz-keep"),
    path("quiz/result/", views.quiz_result, name="quiz-result"),
    path("bank/", views.bank, name="bank"),
    path("new/", views.exam_create, name="exam-create"),
    path("<int:pk>/remind/", views.exam_remind, name="exam-remind"),
    path("attempts/<int:pk>/certificate/", views.attempt_certificate, name="attempt-certificate"),
    path("<int:pk>/start/", views.exam_start, name="exam-start"),
    path("<int:pk>/results/", views.exam_results, name="exam-results"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt-result"),
    path("attempts/<int:pk>/keep/", views.attempt_keep, name="attempt-keep"),
]
