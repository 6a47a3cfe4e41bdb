from django.urls import path

from lianyun.ledger import views

app_name = "ledger"
urlpatterns = [
    path("mine/", views.lookup, name="payout-lookup"),
    path("mine/text/", views.lookup_text, name="payout-text"),
    path("mine/code/", views.lookup_code, name="payout-code"),
    path("mine/<int:year>/", views.payout_statement, name="payout-statement"),
    path("boards/", views.board_pick, name="board-pick"),
    path("boards/<str:code>/", views.board, name="board-detail"),
    path("boards/<str:code>/publish/", views.board_publish, name="board-publish"),
    path("boards/<str:code>/print/", views.board_print, name="board-print"),
    path("boards/<str:code>/export.xlsx", views.board_export, name="board-export"),
    path("boards/<str:code>/dibao/", views.dibao, name="dibao-list"),
    path("boards/<str:code>/dibao/print/", views.dibao_print, name="dibao-print"),
    path("boards/<str:code>/dibao/publish/", views.dibao_publish, name="dibao-publish"),
    path("uploads/", views.uploads, name="upload-list"),
    path("uploads/<uuid:public_id>/", views.upload_detail, name="upload-detail"),
    path("uploads/<uuid:public_id>/errors.csv", views.upload_errors, name="upload-errors"),
    path("uploads/<uuid:public_id>/columns/", views.upload_columns, name="upload-columns"),
    path("uploads/<uuid:public_id>/drop/", views.upload_drop, name="upload-drop"),
    path("uploads/mappings/<int:pk>/forget/", views.mapping_forget, name="mapping-forget"),
]
