from django.urls import path

from lianyun.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="survey-list"),
    path("ballot/", views.ballot, name="ballot"),
    path("index/", views.evaluation_index, name="index"),
    path("index.xlsx", views.evaluation_index_export, name="index-export"),
    path("manage/", views.manage, name="manage"),
    path("sheets/<int:pk>/print/", views.sheet_print, name="sheet-print"),
    path("<int:pk>/", views.survey_answer, name="survey-answer"),
    path("<int:pk>/thanks/", views.survey_thanks, name="survey-thanks"),
    path("<int:pk>/results/", views.survey_results, name="survey-results"),
    path("<int:pk>/results.xlsx", views.survey_results_export, name="survey-results-export"),
    path("<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("<int:pk>/sample/", views.sample, name="sample"),
    path("<int:pk>/sample/<str:code>/", views.invited, name="invited"),
    path("<int:pk>/sheets/", views.sheets, name="sheets"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
]
