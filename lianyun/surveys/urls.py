from django.urls import path

from lianyun.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="survey-list"),
    path("ballot/", views.ballot, name="ballot"),
    path("index/", views.evaluation_index, name="index"),
    path("index.xlsx", views.evaluation_index_export, name="index-export"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.survey_create, name="survey-create"),
    path("manage/satisfaction/", views.satisfaction_create, name="satisfaction-create"),
    path("sheets/<int:pk>/print/", views.sheet_print, name="sheet-print"),
    path("<int:pk>/", views.survey_answer, name="survey-answer"),
    path("<int:pk>/thanks/", views.survey_thanks, name="survey-thanks"),
    path("<int:pk>/results/", views.survey_results, name="survey-results"),
    path("<int:pk>/results.xlsx", views.survey_results_export, name="survey-results-export"),
    path("<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("<int:pk>/questions/", views.question_add, name="question-add"),
    path("<int:pk>/questions/<int:qid>/remove/", views.question_remove, name="question-remove"),
    path("<int:pk>/targets/", views.target_add, name="target-add"),
    path("<int:pk>/targets/<int:tid>/remove/", views.target_remove, name="target-remove"),
    path("<int:pk>/launch/", views.survey_launch, name="survey-launch"),
    path("<int:pk>/sample/", views.sample, name="sample"),
    path("<int:pk>/sample/<str:code>/", views.invited, name="invited"),
    path("<int:pk>/sheets/", views.sheets, name="sheets"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
]
